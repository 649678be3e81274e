using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Google.Protobuf.Reflection;
using TimeBank.Contracts.V1;

using static TimeBank.Server.Api.Csv;

namespace TimeBank.Server.Api;

/// <summary>Statement lines as CSV (see <see cref="Csv"/> for the format's rules).</summary>
internal static class StatementCsv
{
    /// <summary>One column per <see cref="StatementLine"/> field, in its declaration order.</summary>
    public const string Header =
        "transfer_id,sequence,recorded_at,ledger,kind,code,category,reference,memo,debit_account,credit_account,amount,balance_after,actor_key_id,pending_id\r\n";

    private static readonly FrozenDictionary<int, string> LedgerNames = ShortNames(StatementLine.Descriptor.FindFieldByNumber(StatementLine.LedgerFieldNumber).EnumType);
    private static readonly FrozenDictionary<int, string> KindNames = ShortNames(StatementLine.Descriptor.FindFieldByNumber(StatementLine.KindFieldNumber).EnumType);
    private static readonly FrozenDictionary<int, string> CodeNames = ShortNames(StatementLine.Descriptor.FindFieldByNumber(StatementLine.CodeFieldNumber).EnumType);

    public static void AppendLine(StringBuilder csv, StatementLine line)
    {
        Text(csv, line.TransferId).Append(',');
        Number(csv, line.Sequence).Append(',');
        csv.Append(line.RecordedAt?.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)).Append(',');
        csv.Append(EnumName(LedgerNames, (int)line.Ledger)).Append(',');
        csv.Append(EnumName(KindNames, (int)line.Kind)).Append(',');
        csv.Append(EnumName(CodeNames, (int)line.Code)).Append(',');
        Text(csv, line.Category).Append(',');
        Text(csv, line.Reference).Append(',');
        Text(csv, line.Memo).Append(',');
        Text(csv, line.DebitAccount).Append(',');
        Text(csv, line.CreditAccount).Append(',');
        Number(csv, line.Amount).Append(',');
        Number(csv, line.BalanceAfter).Append(',');
        Text(csv, line.ActorKeyId).Append(',');
        Text(csv, line.PendingId).Append("\r\n");
    }

    /// <summary>A value's short name (<c>post_pending</c>); a number the enum does not name is written as the number.</summary>
    private static string EnumName(FrozenDictionary<int, string> names, int value)
        => names.TryGetValue(value, out var name) ? name : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Each value's name without the enum's prefix, in lower case: TRANSFER_KIND_POST_PENDING is post_pending.</summary>
    private static FrozenDictionary<int, string> ShortNames(EnumDescriptor type)
    {
        var prefix = string.Concat(type.Name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + c : char.ToUpperInvariant(c).ToString())) + "_";
        return type.Values.ToFrozenDictionary(
            v => v.Number,
            v => (v.Name.StartsWith(prefix, StringComparison.Ordinal) ? v.Name[prefix.Length..] : v.Name).ToLowerInvariant());
    }
}
