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

    public static async Task<IReadOnlyList<RankedMember>> ReadTopAsync(
        NpgsqlDataSource dataSource, string? scope, StandingPeriod kind, string period, int limit, CancellationToken cancellationToken)
    {
        // The scope's state rows, sorted by the amount ranked: no index by amount is kept, since every write would rewrite it.
        var (amount, filter) = kind switch
        {
            StandingPeriod.Month => ("rank_month_amount", " AND rank_month = $3"),
            StandingPeriod.Year => ("rank_year_amount", " AND rank_year = $3"),
            _ => ("rank_all_amount", ""),
        };
        await using var command = dataSource.CreateCommand($"""
            SELECT rank_scope, rank_member, {amount} FROM grain_state
             WHERE {(scope is null ? "rank_scope IS NOT NULL" : "rank_scope = $2")}{filter} AND {amount} > 0
             ORDER BY {amount} DESC, rank_member, rank_scope
             LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = TopStandings.RowsToRead(limit) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)scope ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        if (kind != StandingPeriod.AllTime)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = period });
        }

        var top = new List<RankedMember>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            top.Add(new RankedMember(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return TopStandings.Take(top, limit);
    }

    public static async Task<long> CountActiveMembersAsync(NpgsqlDataSource dataSource, string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken)
    {
        await using var command = ActiveCommand(dataSource, scope, fromPeriod, toPeriod, fromPeriod == toPeriod
            ? "SELECT COUNT(*) FROM marks WHERE {0}"
            : "SELECT COUNT(*) FROM (SELECT DISTINCT scope, member FROM marks WHERE {0}) AS members");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async Task<IReadOnlyList<KeyValuePair<string, long>>> CountActiveMembersByPeriodAsync(
        NpgsqlDataSource dataSource, string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken)
    {
        await using var command = ActiveCommand(dataSource, scope, fromPeriod, toPeriod, "SELECT period, COUNT(*) FROM marks WHERE {0} GROUP BY period");
        var counts = new List<KeyValuePair<string, long>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(KeyValuePair.Create(reader.GetString(0), reader.GetInt64(1)));
        }

        return counts;
    }

    /// <summary>Marks in the periods of the range as long as its start (months, or one year, or all time).</summary>
    private static NpgsqlCommand ActiveCommand(NpgsqlDataSource dataSource, string? scope, string fromPeriod, string toPeriod, string sql)
    {
        var filter = $"{(scope is null ? "" : "scope = $4 AND ")}period BETWEEN $1 AND $2 AND length(period) = $3";
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
