using Google.Protobuf.Reflection;

namespace OrleansLog.Schemas;

/// <summary>A named type a field can use: a message (with its descriptor) or an enum (<see cref="Message"/> null), and the package it is declared in.</summary>
internal sealed record ProtobufType(DescriptorProto? Message, string Package);
