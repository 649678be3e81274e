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

    public static async Task<IReadOnlyList<Standing>> ReadTopStandingsAsync(SqliteConnection connection, string? scope, string period, int limit, CancellationToken cancellationToken)
    {
        // One period's standings, sorted: no index by amount is kept, since every deposit would rewrite it.
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT scope, member, amount, events FROM standings
             WHERE {(scope is null ? "" : "scope = $scope AND ")}period = $period AND amount > 0
             ORDER BY amount DESC, member, scope
             LIMIT $rows
            """;
        if (scope is not null)
        {
            command.Parameters.AddWithValue("$scope", scope);
        }

        command.Parameters.AddWithValue("$period", period);
        command.Parameters.AddWithValue("$rows", TopStandings.RowsToRead(limit));
        var top = new List<Standing>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            top.Add(new Standing(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return TopStandings.Take(top, limit);
    }

    public static async Task<long> CountActiveMembersAsync(SqliteConnection connection, string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken)
    {
        await using var command = ActiveCommand(connection, scope, fromPeriod, toPeriod, fromPeriod == toPeriod
            ? "SELECT COUNT(*) FROM standings WHERE {0}"
            : "SELECT COUNT(*) FROM (SELECT DISTINCT scope, member FROM standings WHERE {0})");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async Task<IReadOnlyList<KeyValuePair<string, long>>> CountActiveMembersByPeriodAsync(
        SqliteConnection connection, string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken)
    {
        await using var command = ActiveCommand(connection, scope, fromPeriod, toPeriod, "SELECT period, COUNT(*) FROM standings WHERE {0} GROUP BY period");
        var counts = new List<KeyValuePair<string, long>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(KeyValuePair.Create(reader.GetString(0), reader.GetInt64(1)));
        }

        return counts;
    }

    /// <summary>Standings with events in the periods of the range as long as its start (months, or one year, or all time).</summary>
    private static SqliteCommand ActiveCommand(SqliteConnection connection, string? scope, string fromPeriod, string toPeriod, string sql)
    {
        var command = connection.CreateCommand();
        var filter = $"{(scope is null ? "" : "scope = $scope AND ")}period BETWEEN $from AND $to AND length(period) = $length AND events > 0";
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
