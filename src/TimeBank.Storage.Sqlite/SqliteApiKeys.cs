using Microsoft.Data.Sqlite;
using TimeBank.Storage.Keys;

namespace TimeBank.Storage.Sqlite;

/// <summary>
/// API keys in the SQLite file. Key writes are rare, so each takes a connection of its own and an
/// immediate transaction (waiting on the busy timeout while the group-commit writer holds the lock)
/// rather than a place in the writer's batches.
/// </summary>
internal sealed class SqliteApiKeys(string connectionString)
{
    private const string Columns = "key_id, secret_hash, role, scope, member, display_name, created_at, created_by, revoked_at, last_used_at";

    public async Task<IReadOnlyList<StoredApiKey>> ReadAllAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys";
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
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO api_keys ({Columns}) VALUES ($id, $hash, $role, $scope, $member, $name, $created, $by, NULL, NULL) ON CONFLICT DO NOTHING";
            insert.Parameters.AddWithValue("$id", key.KeyId);
            insert.Parameters.AddWithValue("$hash", key.SecretHash.ToArray());
            insert.Parameters.AddWithValue("$role", key.Role);
            insert.Parameters.AddWithValue("$scope", key.Scope);
            insert.Parameters.AddWithValue("$member", key.Member);
            insert.Parameters.AddWithValue("$name", key.DisplayName);
            insert.Parameters.AddWithValue("$created", UnixMicroseconds.From(key.CreatedAt));
            insert.Parameters.AddWithValue("$by", key.CreatedBy);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new StaleStateException($"Key '{key.KeyId}' exists already.");
            }

            return true;
        }, cancellationToken);

    public Task<StoredApiKey?> RevokeAsync(string keyId, DateTimeOffset revokedAt, RequestRecord? request, CancellationToken cancellationToken)
        => WriteAsync(async (connection, transaction) =>
        {
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = $"UPDATE api_keys SET revoked_at = coalesce(revoked_at, $at) WHERE key_id = $id RETURNING {Columns}";
            update.Parameters.AddWithValue("$id", keyId);
            update.Parameters.AddWithValue("$at", UnixMicroseconds.From(revokedAt));
            StoredApiKey? revoked = null;
            await using (var reader = await update.ExecuteReaderAsync(cancellationToken))
            {
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
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), $at) WHERE key_id = $id";
            var id = update.Parameters.Add("$id", SqliteType.Text);
            var at = update.Parameters.Add("$at", SqliteType.Integer);
            foreach (var (keyId, used) in lastUsed)
            {
                id.Value = keyId;
                at.Value = UnixMicroseconds.From(used);
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            return true;
        }, cancellationToken);

    private static async Task RecordAsync(SqliteConnection connection, SqliteTransaction transaction, RequestRecord? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return;
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO requests (caller_key_id, request_id, operation, target, fingerprint, result, recorded_at) VALUES ($key, $req, $op, $target, $fp, $result, $at) ON CONFLICT DO NOTHING";
        insert.Parameters.AddWithValue("$key", request.CallerKeyId);
        insert.Parameters.AddWithValue("$req", request.RequestId);
        insert.Parameters.AddWithValue("$op", request.Operation);
        insert.Parameters.AddWithValue("$target", request.Target);
        insert.Parameters.AddWithValue("$fp", request.Fingerprint.ToArray());
        insert.Parameters.AddWithValue("$result", request.Result.ToArray());
        insert.Parameters.AddWithValue("$at", UnixMicroseconds.From(request.RecordedAt));
        if (await insert.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new DuplicateRequestException(request.CallerKeyId, request.RequestId);
        }
    }

    private static StoredApiKey Read(SqliteDataReader reader) => new(
        KeyId: reader.GetString(0),
        SecretHash: (byte[])reader.GetValue(1),
        Role: reader.GetString(2),
        Scope: reader.GetString(3),
        Member: reader.GetString(4),
        DisplayName: reader.GetString(5),
        CreatedAt: UnixMicroseconds.To(reader.GetInt64(6)),
        CreatedBy: reader.GetString(7),
        RevokedAt: reader.IsDBNull(8) ? null : UnixMicroseconds.To(reader.GetInt64(8)),
        LastUsedAt: reader.IsDBNull(9) || reader.GetInt64(9) == 0 ? null : UnixMicroseconds.To(reader.GetInt64(9)));

    /// <summary>One immediate transaction on a connection of its own; SQLite's errors become storage exceptions here.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await write(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException($"Could not write API keys to the SQLite database: {e.Message}", e);
        }
    }
}
