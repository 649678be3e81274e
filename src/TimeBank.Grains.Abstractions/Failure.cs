using System.Globalization;
using TimeBank.Contracts.V1;

namespace TimeBank.Grains;

/// <summary>
/// What went wrong, as a value: a reason from the catalog and the facts its message names. Grains return
/// failures; they throw only for infrastructure faults (storage down, a stale write).
/// </summary>
public sealed class Failure
{
    private Failure(ErrorReason reason, IReadOnlyList<KeyValuePair<string, string>> facts)
    {
        Reason = reason;
        Facts = facts;
    }

    public ErrorReason Reason { get; }

    /// <summary>Named values the message template may show (cut short when sent).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Facts { get; }

    public static Failure Of(ErrorReason reason) => new(reason, []);

    public static Failure Of(ErrorReason reason, params ReadOnlySpan<(string Name, object? Value)> facts)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var list = new KeyValuePair<string, string>[facts.Length];
        for (var i = 0; i < facts.Length; i++)
        {
            list[i] = new(facts[i].Name, Convert.ToString(facts[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        return new Failure(reason, list);
    }

    public string Message => Reason.Render(Facts);

    public override string ToString() => $"{Reason.Code}: {Message}";
}
