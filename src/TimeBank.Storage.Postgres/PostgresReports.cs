using Npgsql;
using TimeBank.Storage.Internal;
using TimeBank.Storage.Reports;

namespace TimeBank.Storage.Postgres;

/// <summary>The report reads (see <see cref="IReportStore"/>) as PostgreSQL queries, each on the index that answers it.</summary>
internal static class PostgresReports
{
    public static async Task<IReadOnlyList<TallySum>> SumTalliesAsync(NpgsqlDataSource dataSource, string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(scope is null
            ? "SELECT name, period, key, SUM(amount)::bigint FROM tallies WHERE period BETWEEN $1 AND $2 GROUP BY name, period, key"
            : "SELECT name, period, key, amount FROM tallies WHERE scope = $3 AND period BETWEEN $1 AND $2");
        command.Parameters.Add(new NpgsqlParameter { Value = fromPeriod });
        command.Parameters.Add(new NpgsqlParameter { Value = toPeriod });
        if (scope is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = scope });
        }

        var sums = new List<TallySum>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sums.Add(new TallySum(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return sums;
    }

    public static async Task<IReadOnlyList<Standing>> ReadTopStandingsAsync(NpgsqlDataSource dataSource, string? scope, string period, int limit, CancellationToken cancellationToken)
    {
        // One period's standings, sorted: no index by amount is kept, since every deposit would rewrite it.
        await using var command = dataSource.CreateCommand($"""
            SELECT scope, member, amount, events FROM standings
             WHERE {(scope is null ? "" : "scope = $3 AND ")}period = $1 AND amount > 0
             ORDER BY amount DESC, member, scope
             LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = period });
        command.Parameters.Add(new NpgsqlParameter { Value = TopStandings.RowsToRead(limit) });
        if (scope is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = scope });
        }

        var top = new List<Standing>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            top.Add(new Standing(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return TopStandings.Take(top, limit);
    }

    public static async Task<long> CountActiveMembersAsync(NpgsqlDataSource dataSource, string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken)
    {
        await using var command = ActiveCommand(dataSource, scope, fromPeriod, toPeriod, fromPeriod == toPeriod
            ? "SELECT COUNT(*) FROM standings WHERE {0}"
            : "SELECT COUNT(*) FROM (SELECT DISTINCT scope, member FROM standings WHERE {0}) AS members");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async Task<IReadOnlyList<KeyValuePair<string, long>>> CountActiveMembersByPeriodAsync(
        NpgsqlDataSource dataSource, string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken)
    {
        await using var command = ActiveCommand(dataSource, scope, fromPeriod, toPeriod, "SELECT period, COUNT(*) FROM standings WHERE {0} GROUP BY period");
        var counts = new List<KeyValuePair<string, long>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(KeyValuePair.Create(reader.GetString(0), reader.GetInt64(1)));
        }

        return counts;
    }

    /// <summary>Standings with events in the periods of the range as long as its start (months, or one year, or all time).</summary>
    private static NpgsqlCommand ActiveCommand(NpgsqlDataSource dataSource, string? scope, string fromPeriod, string toPeriod, string sql)
    {
        var filter = $"{(scope is null ? "" : "scope = $4 AND ")}period BETWEEN $1 AND $2 AND length(period) = $3 AND events > 0";
        var command = dataSource.CreateCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, filter));
        command.Parameters.Add(new NpgsqlParameter { Value = fromPeriod });
        command.Parameters.Add(new NpgsqlParameter { Value = toPeriod });
        command.Parameters.Add(new NpgsqlParameter { Value = fromPeriod.Length });
        if (scope is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = scope });
        }

        return command;
    }
}
