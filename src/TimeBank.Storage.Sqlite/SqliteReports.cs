using Microsoft.Data.Sqlite;
using TimeBank.Storage.Internal;
using TimeBank.Storage.Reports;

namespace TimeBank.Storage.Sqlite;

/// <summary>The report reads (see <see cref="IReportStore"/>) as SQLite queries, each on the index that answers it.</summary>
internal static class SqliteReports
{
    public static async Task<IReadOnlyList<TallySum>> SumTalliesAsync(SqliteConnection connection, string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = scope is null
            ? "SELECT name, period, key, SUM(amount) FROM tallies WHERE period BETWEEN $from AND $to GROUP BY name, period, key"
            : "SELECT name, period, key, amount FROM tallies WHERE scope = $scope AND period BETWEEN $from AND $to";
        if (scope is not null)
        {
            command.Parameters.AddWithValue("$scope", scope);
        }

        command.Parameters.AddWithValue("$from", fromPeriod);
        command.Parameters.AddWithValue("$to", toPeriod);
        var sums = new List<TallySum>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sums.Add(new TallySum(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return sums;
    }

    public static async Task<IReadOnlyList<RankedMember>> ReadTopAsync(
        SqliteConnection connection, string? scope, StandingPeriod kind, string period, int limit, CancellationToken cancellationToken)
    {
        // The scope's state rows, sorted by the amount ranked: no index by amount is kept, since every write would rewrite it.
        var (amount, filter) = kind switch
        {
            StandingPeriod.Month => ("rank_month_amount", " AND rank_month = $period"),
            StandingPeriod.Year => ("rank_year_amount", " AND rank_year = $period"),
            _ => ("rank_all_amount", ""),
        };
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT rank_scope, rank_member, {amount} FROM grain_state
             WHERE {(scope is null ? "rank_scope IS NOT NULL" : "rank_scope = $scope")}{filter} AND {amount} > 0
             ORDER BY {amount} DESC, rank_member, rank_scope
             LIMIT $rows
            """;
        if (scope is not null)
        {
            command.Parameters.AddWithValue("$scope", scope);
        }

        command.Parameters.AddWithValue("$period", period);
        command.Parameters.AddWithValue("$rows", TopStandings.RowsToRead(limit));
        var top = new List<RankedMember>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            top.Add(new RankedMember(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return TopStandings.Take(top, limit);
    }

    public static async Task<long> CountActiveMembersAsync(SqliteConnection connection, string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken)
    {
        await using var command = ActiveCommand(connection, scope, fromPeriod, toPeriod, fromPeriod == toPeriod
            ? "SELECT COUNT(*) FROM marks WHERE {0}"
            : "SELECT COUNT(*) FROM (SELECT DISTINCT scope, member FROM marks WHERE {0})");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async Task<IReadOnlyList<KeyValuePair<string, long>>> CountActiveMembersByPeriodAsync(
        SqliteConnection connection, string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken)
    {
        await using var command = ActiveCommand(connection, scope, fromPeriod, toPeriod, "SELECT period, COUNT(*) FROM marks WHERE {0} GROUP BY period");
        var counts = new List<KeyValuePair<string, long>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(KeyValuePair.Create(reader.GetString(0), reader.GetInt64(1)));
        }

        return counts;
    }

    /// <summary>Marks in the periods of the range as long as its start (months, or one year, or all time).</summary>
    private static SqliteCommand ActiveCommand(SqliteConnection connection, string? scope, string fromPeriod, string toPeriod, string sql)
    {
        var command = connection.CreateCommand();
        var filter = $"{(scope is null ? "" : "scope = $scope AND ")}period BETWEEN $from AND $to AND length(period) = $length";
        command.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, filter);
        if (scope is not null)
        {
            command.Parameters.AddWithValue("$scope", scope);
        }

        command.Parameters.AddWithValue("$from", fromPeriod);
        command.Parameters.AddWithValue("$to", toPeriod);
        command.Parameters.AddWithValue("$length", fromPeriod.Length);
        return command;
    }
}
