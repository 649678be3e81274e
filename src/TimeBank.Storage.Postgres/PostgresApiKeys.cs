using Npgsql;
using TimeBank.Storage.Keys;

namespace TimeBank.Storage.Postgres;

/// <summary>API keys in PostgreSQL: each write is one short transaction of its own, with the caller's request record.</summary>
internal sealed class PostgresApiKeys(NpgsqlDataSource dataSource)
{
    private const string Columns = "key_id, secret_hash, role, scope, member, display_name, created_at, created_by, revoked_at, last_used_at";

    public async Task<IReadOnlyList<StoredApiKey>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<StoredApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    public Task CreateAsync(StoredApiKey key, RequestRecord? request, CancellationToken cancellationToken)
        => WriteAsync(async (connection, transaction) =>
        {
            await RecordAsync(connection, transaction, request, cancellationToken);
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO api_keys ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL) ON CONFLICT DO NOTHING", connection, transaction);
            foreach (var value in new object[] { key.KeyId, key.SecretHash.ToArray(), key.Role, key.Scope, key.Member, key.DisplayName, key.CreatedAt.UtcDateTime, key.CreatedBy })
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            if (await insert.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new StaleStateException($"Key '{key.KeyId}' exists already.");
            }

            return true;
        }, cancellationToken);

    public Task<StoredApiKey?> RevokeAsync(string keyId, DateTimeOffset revokedAt, RequestRecord? request, CancellationToken cancellationToken)
        => WriteAsync(async (connection, transaction) =>
        {
            StoredApiKey? revoked = null;
            await using (var update = new NpgsqlCommand(
                $"UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE key_id = $1 RETURNING {Columns}", connection, transaction))
            {
                update.Parameters.Add(new NpgsqlParameter { Value = keyId });
                update.Parameters.Add(new NpgsqlParameter { Value = revokedAt.UtcDateTime });
                await using var reader = await update.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    revoked = Read(reader);
                }
            }

            if (revoked is not null)
            {
                await RecordAsync(connection, transaction, request, cancellationToken);
            }

            return revoked;
        }, cancellationToken);

    public Task RecordUseAsync(IReadOnlyCollection<KeyValuePair<string, DateTimeOffset>> lastUsed, CancellationToken cancellationToken)
        => WriteAsync(async (connection, transaction) =>
        {
            await using var update = new NpgsqlCommand("""
                UPDATE api_keys AS k SET last_used_at = greatest(k.last_used_at, u.at)
                  FROM unnest($1::text[], $2::timestamptz[]) AS u(key_id, at)
                 WHERE k.key_id = u.key_id
                """, connection, transaction);
            update.Parameters.Add(new NpgsqlParameter { Value = lastUsed.Select(u => u.Key).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = lastUsed.Select(u => u.Value.UtcDateTime).ToArray() });
            await update.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);

    private static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RequestRecord? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return;
        }

        await using var insert = new NpgsqlCommand(
            "INSERT INTO requests (caller_key_id, request_id, operation, target, fingerprint, result, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            connection, transaction);
        foreach (var value in new object[] { request.CallerKeyId, request.RequestId, request.Operation, request.Target, request.Fingerprint.ToArray(), request.Result.ToArray(), request.RecordedAt.UtcDateTime })
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        if (await insert.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new DuplicateRequestException(request.CallerKeyId, request.RequestId);
        }
    }

    private static StoredApiKey Read(NpgsqlDataReader reader) => new(
        KeyId: reader.GetString(0),
        SecretHash: reader.GetFieldValue<byte[]>(1),
        Role: reader.GetString(2),
        Scope: reader.GetString(3),
        Member: reader.GetString(4),
        DisplayName: reader.GetString(5),
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(6),
        CreatedBy: reader.GetString(7),
        RevokedAt: reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        LastUsedAt: reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9));

    /// <summary>One transaction; Npgsql's errors become storage exceptions here.</summary>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var result = await write(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (NpgsqlException e)
        {
            throw new StorageUnavailableException($"Could not write API keys to PostgreSQL: {e.Message}", e);
        }
    }
}
