using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace TimeBank.Server.Auth;

/// <summary>
/// A key as its holder sends it: <c>tbk_&lt;key id&gt;_&lt;secret&gt;</c>. The key id (16 lowercase base32
/// characters, 80 random bits) is public and finds the key; the secret (43 base64url characters, 256 random
/// bits) is shown once and stored only as its SHA-256 hash. A plain hash is right here, unlike for
/// passwords: a 256-bit random secret cannot be guessed, so a slow, salted hash would add cost and nothing
/// else.
/// </summary>
public sealed class ApiKeyToken
{
    public const string Prefix = "tbk_";
    public const int KeyIdLength = 16;
    public const int SecretLength = 43; // 32 bytes in unpadded base64url
    public const int Length = 4 + KeyIdLength + 1 + SecretLength;

    private const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";

    private ApiKeyToken(string keyId, byte[] secret)
    {
        KeyId = keyId;
        Secret = secret;
    }

    public string KeyId { get; }

    /// <summary>The 32 secret bytes.</summary>
    public ReadOnlyMemory<byte> Secret { get; }

    public static ApiKeyToken Generate()
    {
        Span<byte> id = stackalloc byte[KeyIdLength];
        RandomNumberGenerator.Fill(id);
        var keyId = string.Create(KeyIdLength, id.ToArray(), static (chars, bytes) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Base32[bytes[i] & 31];
            }
        });
        return new ApiKeyToken(keyId, RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>Reads a token; on failure <paramref name="problem"/> says what is wrong (never echoing the secret).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ApiKeyToken? token, [NotNullWhen(false)] out string? problem)
    {
        token = null;
        if (string.IsNullOrEmpty(text))
        {
            problem = "the key is empty";
            return false;
        }

        if (text.Length != Length)
        {
            problem = $"a key is {Length} characters long, this one {Math.Min(text.Length, 100_000)}";
            return false;
        }

        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || text[Prefix.Length + KeyIdLength] != '_')
        {
            problem = $"a key looks like {Prefix}<16 characters>_<43 characters>";
            return false;
        }

        var keyId = text.Substring(Prefix.Length, KeyIdLength);
        foreach (var c in keyId)
        {
            if (!Base32.Contains(c, StringComparison.Ordinal))
            {
                problem = "the key id has a character outside a-z and 2-7";
                return false;
            }
        }

        var secret = new byte[32];
        if (Base64Url.DecodeFromChars(text.AsSpan(Prefix.Length + KeyIdLength + 1), secret, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != SecretLength || written != 32)
        {
            problem = "the secret is not 43 base64url characters";
            return false;
        }

        token = new ApiKeyToken(keyId, secret);
        problem = null;
        return true;
    }

    public byte[] HashSecret() => SHA256.HashData(Secret.Span);

    /// <summary>True when this token's secret hashes to <paramref name="storedHash"/>, compared in constant time.</summary>
    public bool Matches(ReadOnlySpan<byte> storedHash)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Secret.Span, hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }

    /// <summary>The whole token, secret included: show it once, store it nowhere.</summary>
    public string Reveal() => $"{Prefix}{KeyId}_{Base64Url.EncodeToString(Secret.Span)}";

    public override string ToString() => $"{Prefix}{KeyId}_***";
}
