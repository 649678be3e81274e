using System.Text;
using TimeBank.Rpc;

namespace TimeBank.Contracts.V1;

/// <summary>
/// One failure reason, declared once in <see cref="ErrorReasons"/>: its wire name (google.rpc.ErrorInfo's
/// <c>reason</c>), the gRPC status it is sent with, the message template, and the request field it
/// concerns (sent as a google.rpc.BadRequest field violation). Clients switch on <see cref="Code"/>.
/// </summary>
public sealed class ErrorReason
{
    /// <summary>Longest echoed value, in characters: a longer one is cut and marked, so no request can
    /// make its own error large (a 1 MiB id gets a 1 KiB answer).</summary>
    public const int MaxEchoedValueLength = 64;

    private const string CutMarker = "...(cut)";

    internal ErrorReason(string code, StatusCode status, string template, string? field = null)
    {
        Code = code;
        Status = status;
        Template = template;
        Field = field;
    }

    /// <summary>SCREAMING_SNAKE name, never renamed once released, e.g. <c>MINUTES_TOO_LARGE</c>.</summary>
    public string Code { get; }

    public StatusCode Status { get; }

    /// <summary>
    /// Whether this reason is the request's final answer, stored as its answer so that a retry with the same id
    /// gets it again: every refusal but those that ask for a retry (ABORTED, UNAVAILABLE) and the server's own
    /// faults (INTERNAL).
    /// </summary>
    public bool IsFinal => Status is not (StatusCode.Aborted or StatusCode.Unavailable or StatusCode.Internal);

    /// <summary>The message, with <c>{name}</c> where a fact of the failure goes.</summary>
    public string Template { get; }

    /// <summary>The request field at fault (proto name), or null.</summary>
    public string? Field { get; }

    /// <summary>Fills the template with the facts, each cut to <see cref="MaxEchoedValueLength"/> characters
    /// and stripped of control characters; a placeholder without a fact is left as written.</summary>
    public string Render(IReadOnlyList<KeyValuePair<string, string>> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var message = new StringBuilder(Template.Length + 32);
        var at = 0;
        while (at < Template.Length)
        {
            var open = Template.IndexOf('{', at);
            var close = open < 0 ? -1 : Template.IndexOf('}', open + 1);
            if (close < 0)
            {
                message.Append(Template, at, Template.Length - at);
                break;
            }

            message.Append(Template, at, open - at);
            var name = Template.AsSpan(open + 1, close - open - 1);
            var found = false;
            foreach (var (factName, value) in facts)
            {
                if (name.SequenceEqual(factName))
                {
                    AppendEchoed(message, value);
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                message.Append(Template, open, close - open + 1);
            }

            at = close + 1;
        }

        return message.ToString();
    }

    public override string ToString() => Code;

    /// <summary>Appends a caller-supplied value, cut short and without control characters.</summary>
    public static void AppendEchoed(StringBuilder message, string value)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(value);
        var length = Math.Min(value.Length, MaxEchoedValueLength);
        if (length < value.Length && char.IsHighSurrogate(value[length - 1]))
        {
            length--; // never split a surrogate pair
        }

        foreach (var c in value.AsSpan(0, length))
        {
            message.Append(char.IsControl(c) ? '?' : c);
        }

        if (length < value.Length)
        {
            message.Append(CutMarker);
        }
    }
}
