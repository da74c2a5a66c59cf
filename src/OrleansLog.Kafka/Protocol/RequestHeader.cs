using System.Buffers.Binary;

namespace OrleansLog.Kafka.Protocol;

public sealed partial class RequestHeader
{
    /// <summary>
    /// Reads the api key and api version that open every request (two int16s, in every header version), so the
    /// listener can choose the header version before it reads the header. False when fewer than 4 bytes are given.
    /// </summary>
    public static bool TryPeekApiKeyAndVersion(ReadOnlySpan<byte> request, out short apiKey, out short apiVersion)
    {
        if (request.Length < 4)
        {
            apiKey = 0;
            apiVersion = 0;
            return false;
        }

        apiKey = BinaryPrimitives.ReadInt16BigEndian(request);
        apiVersion = BinaryPrimitives.ReadInt16BigEndian(request[2..]);
        return true;
    }
}
