using System.Globalization;
using System.Text.RegularExpressions;

namespace TimeBank.LoadGen;

/// <summary>What one run does, as the command line said it.</summary>
public sealed record LoadGenOptions
{
    public const string DefaultAdminKeyFile = "data/admin.key";

    public Uri Address { get; init; } = new("http://127.0.0.1:5000");

    /// <summary>The admin key itself; never printed or written to the report.</summary>
    public string? AdminKey { get; init; }

    public string AdminKeyFile { get; init; } = DefaultAdminKeyFile;

    public int Connections { get; init; } = 4;

    public int InFlight { get; init; } = 16;

    public int Volunteers { get; init; } = 1000;

    /// <summary>Stores the run opens when the mix redeems.</summary>
    public int Stores { get; init; } = 8;

    /// <summary>Funds the run creates when the mix donates or votes.</summary>
    public int Funds { get; init; } = 4;

    public double Seconds { get; init; } = 10;

    public double WarmupSeconds { get; init; } = 2;

    public OperationMix Mix { get; init; } = OperationMix.Default;

    /// <summary>Where the JSON report goes: a path, "-" for stdout, or null for none.</summary>
    public string? JsonPath { get; init; }

    public string Community { get; init; } = FreshCommunityId();

    public int Seed { get; init; } = Random.Shared.Next();

    public bool JsonToStdout => JsonPath == "-";

    /// <summary>A community of its own per run, so the balances the run checks are the run's alone.</summary>
    public static string FreshCommunityId() => "lg-" + Guid.NewGuid().ToString("N")[..8];
}

/// <summary>The command line read: options, or what was wrong with it, or a request for help.</summary>
public sealed record ParsedOptions(LoadGenOptions? Options, string? Error, bool HelpRequested);

public static partial class OptionsParser
{
    public const string Usage = """
        timebank loadgen: load over gRPC against a running TimeBank server.

        usage: dotnet run -c Release --project benchmarks/TimeBank.LoadGen -- [options]

          --address URL          the server (default http://127.0.0.1:5000)
          --admin-key KEY        the admin key, or
          --admin-key-file PATH  a file holding it (default ./data/admin.key, as the server writes it)
          --connections N        HTTP/2 connections, one channel each (default 4)
          --in-flight M          calls in flight on each connection (default 16)
          --volunteers V         volunteers the run registers (default 1000)
          --stores S             stores the run opens when the mix redeems (default 8)
          --funds F              funds the run creates when the mix donates or votes (default 4)
          --seconds S            measured seconds (default 10; decimals allowed)
          --warmup W             seconds of load before measuring (default 2)
          --mix SPEC             weighted operations, e.g. deposit=70,balance=20,transfer=10 (the default),
                                 or one name alone: deposit | balance | transfer | hold | redeem | donate | vote
                                 (hold = HoldPoints of 1 point then PostHold: one operation, two calls;
                                 redeem = a three-item basket at a store's terminal; donate = 1-10,000 to a fund;
                                 vote = one member proposes, another approves: one operation, two calls)
          --json PATH            also write the report as JSON to PATH, or to stdout with "-"
                                 (the text then goes to stderr)
          --community ID         the community to load (default a fresh lg-<random> per run)
          --seed N               seed of the random choices (default random; the report shows it)

        Exit code: 0 when every operation succeeded and the balances add up; 1 otherwise; 2 for bad options.
        """;

    // A volunteer id is "<community>.<n>" and ids are at most 64 characters (volunteer.proto).
    private const int MaxCommunityIdLength = 48;

    public static ParsedOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new LoadGenOptions();
        var keyGiven = false;
        var keyFileGiven = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                return new ParsedOptions(null, null, HelpRequested: true);
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                return Fail($"unexpected argument '{arg}'");
            }

            // Both "--name value" and "--name=value".
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                return Fail($"{name} needs a value");
            }

            keyGiven |= name == "--admin-key";
            keyFileGiven |= name == "--admin-key-file";
            string? error = null;
            options = name switch
            {
                "--address" => ParseAddress(value, options, ref error),
                "--admin-key" => options with { AdminKey = value.Trim() },
                "--admin-key-file" => options with { AdminKeyFile = value },
                "--connections" => options with { Connections = ParseInt(name, value, 1, 1024, ref error) },
                "--in-flight" => options with { InFlight = ParseInt(name, value, 1, 10_000, ref error) },
                "--volunteers" => options with { Volunteers = ParseInt(name, value, 1, 10_000_000, ref error) },
                "--stores" => options with { Stores = ParseInt(name, value, 1, 1_000, ref error) },
                "--funds" => options with { Funds = ParseInt(name, value, 1, 1_000, ref error) },
                "--seconds" => options with { Seconds = ParseSeconds(name, value, 0.1, ref error) },
                "--warmup" => options with { WarmupSeconds = ParseSeconds(name, value, 0, ref error) },
                "--mix" => options with { Mix = ParseMix(value, ref error) },
                "--json" => options with { JsonPath = value },
                "--community" => options with { Community = ParseCommunity(value, ref error) },
                "--seed" => options with { Seed = ParseInt(name, value, int.MinValue, int.MaxValue, ref error) },
                _ => Unknown(name, options, ref error),
            };
            if (error is not null)
            {
                return Fail(error);
            }
        }

        if (keyGiven && keyFileGiven)
        {
            return Fail("give --admin-key or --admin-key-file, not both");
        }

        if (options.Volunteers < 2 && options.Mix.Includes(Operation.Transfer))
        {
            return Fail("a transfer needs two volunteers: --volunteers 2 or more");
        }

        return new ParsedOptions(options, null, HelpRequested: false);
    }

    private static ParsedOptions Fail(string error) => new(null, error, HelpRequested: false);

    private static LoadGenOptions Unknown(string name, LoadGenOptions options, ref string? error)
    {
        error = $"unknown option {name}";
        return options;
    }

    private static LoadGenOptions ParseAddress(string value, LoadGenOptions options, ref string? error)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var address) && address.Scheme is "http" or "https")
        {
            return options with { Address = address };
        }

        error = $"--address takes an http:// or https:// URL, e.g. http://127.0.0.1:5000; got '{value}'";
        return options;
    }

    private static int ParseInt(string name, string value, int min, int max, ref string? error)
    {
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        error = min == int.MinValue ? $"{name} takes an integer; got '{value}'" : $"{name} takes an integer from {min} to {max}; got '{value}'";
        return 0;
    }

    private static double ParseSeconds(string name, string value, double min, ref string? error)
    {
        const double Day = 86_400;
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds >= min && seconds <= Day)
        {
            return seconds;
        }

        error = $"{name} takes seconds from {min.ToString(CultureInfo.InvariantCulture)} to {Day.ToString(CultureInfo.InvariantCulture)}; got '{value}'";
        return 0;
    }

    private static OperationMix ParseMix(string value, ref string? error)
    {
        if (OperationMix.TryParse(value, out var mix, out var problem))
        {
            return mix;
        }

        error = $"--mix: {problem}";
        return OperationMix.Default;
    }

    private static string ParseCommunity(string value, ref string? error)
    {
        if (CommunityId().IsMatch(value))
        {
            return value;
        }

        error = $"--community takes 1-{MaxCommunityIdLength} of A-Z a-z 0-9 . _ - starting with a letter or digit; got '{value}'";
        return "";
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$")]
    private static partial Regex CommunityId();
}
