using System.Globalization;

namespace TimeBank.LoadGen;

/// <summary>The operations the generator can send.</summary>
public enum Operation
{
    /// <summary>DepositHours of 1-120 minutes (community-admin key).</summary>
    Deposit,

    /// <summary>GetBalance (app key).</summary>
    Balance,

    /// <summary>TransferHours of 1 minute between two random volunteers of the run (app key).</summary>
    Transfer,

    /// <summary>HoldPoints of 1 point, then PostHold of all of it (app key): one operation of two calls.</summary>
    Hold,

    /// <summary>Redeem of a three-item basket (one point an item) at one of the run's stores (that store's terminal key).</summary>
    Redeem,

    /// <summary>Donate of 1-10,000 minor units to one of the run's funds (community-admin key).</summary>
    Donate,

    /// <summary>ProposeAllocation of one minor unit by one member, then Vote to approve by another (committee-member keys; a quorum of one): one operation of two calls, ending in a reservation.</summary>
    Vote,
}

public static class OperationNames
{
    public static IReadOnlyList<Operation> All { get; } = Enum.GetValues<Operation>();

    public static string Of(Operation operation) => operation switch
    {
        Operation.Deposit => "deposit",
        Operation.Balance => "balance",
        Operation.Transfer => "transfer",
        Operation.Hold => "hold",
        Operation.Redeem => "redeem",
        Operation.Donate => "donate",
        Operation.Vote => "vote",
    };

    public static bool TryParse(string name, out Operation operation)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(Of(candidate), name, StringComparison.Ordinal))
            {
                operation = candidate;
                return true;
            }
        }

        operation = default;
        return false;
    }
}

/// <summary>Weighted operations, e.g. <c>deposit=70,balance=20,transfer=10</c>: each call picks one at random by weight.</summary>
public sealed class OperationMix
{
    private readonly Operation[] _operations;
    private readonly int[] _cumulativeWeights;

    private OperationMix(IReadOnlyList<(Operation Operation, int Weight)> entries)
    {
        Entries = entries;
        _operations = entries.Select(e => e.Operation).ToArray();
        var sum = 0;
        _cumulativeWeights = entries.Select(e => sum += e.Weight).ToArray();
    }

    public static OperationMix Default { get; } = new([(Operation.Deposit, 70), (Operation.Balance, 20), (Operation.Transfer, 10)]);

    /// <summary>The operations with a weight above zero, in the order given.</summary>
    public IReadOnlyList<(Operation Operation, int Weight)> Entries { get; }

    public bool Includes(Operation operation) => _operations.Contains(operation);

    public Operation Pick(Random random)
    {
        var ticket = random.Next(_cumulativeWeights[^1]);
        var index = 0;
        while (ticket >= _cumulativeWeights[index])
        {
            index++;
        }

        return _operations[index];
    }

    public override string ToString() => string.Join(',', Entries.Select(e => $"{OperationNames.Of(e.Operation)}={e.Weight}"));

    /// <summary>Reads <c>name=weight,...</c>, or a single name (weight 1): "one operation alone".</summary>
    public static bool TryParse(string text, out OperationMix mix, out string? error)
    {
        mix = Default;
        error = null;
        var entries = new List<(Operation, int)>();
        var named = new HashSet<Operation>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals].Trim();
            if (!OperationNames.TryParse(name, out var operation))
            {
                error = name is "redeem" or "donate" or "vote"
                    ? $"'{name}' is not in the API yet (it comes with stores and funds); use {string.Join(", ", OperationNames.All.Select(OperationNames.Of))}"
                    : $"unknown operation '{name}'; use {string.Join(", ", OperationNames.All.Select(OperationNames.Of))}";
                return false;
            }

            var weight = 1;
            if (equals >= 0 && !(int.TryParse(part[(equals + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out weight) && weight <= 1_000_000))
            {
                error = $"the weight of {name} is a whole number from 0 to 1000000; got '{part[(equals + 1)..]}'";
                return false;
            }

            if (!named.Add(operation))
            {
                error = $"{name} appears twice";
                return false;
            }

            if (weight > 0)
            {
                entries.Add((operation, weight));
            }
        }

        if (entries.Count == 0)
        {
            error = "no operation has a weight above zero";
            return false;
        }

        mix = new OperationMix(entries);
        return true;
    }
}
