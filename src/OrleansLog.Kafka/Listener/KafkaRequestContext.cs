using System.Net;

namespace OrleansLog.Kafka.Listener;

/// <summary>Who sent a request and how: the connection, the client's id and the API version it speaks.</summary>
/// <param name="ApiVersion">The version of the request (and of the response to write).</param>
/// <param name="ClientId">The client.id the client sent, if any.</param>
/// <param name="RemoteEndPoint">The client's address, for logs.</param>
internal sealed record KafkaRequestContext(short ApiVersion, string? ClientId, EndPoint? RemoteEndPoint);
