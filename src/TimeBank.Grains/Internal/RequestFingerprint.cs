using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TimeBank.Grains.Internal;

/// <summary>
/// SHA-256 of a request's operation and fields, each length-prefixed so that no two different requests
/// encode alike. Stored with the journal rows; a retry must match it to be a retry.
/// </summary>
internal static class RequestFingerprint
{
    public static byte[] Of(string operation, params ReadOnlySpan<string> fields)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, operation);
        foreach (var field in fields)
        {
            Append(hash, field);
        }

        return hash.GetHashAndReset();
    }

    private static void Append(IncrementalHash hash, string value)
    {
        Span<byte> length = stackalloc byte[4];
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
