using System.Runtime.CompilerServices;
using System.Text.Json;
using TimeBank.Storage;

namespace TimeBank.Grains;

/// <summary>
/// Recomputes every grain's journal chain from the stored rows and checks it against the head the grain
/// recorded in its state: a changed row no longer hashes to its stored hash, a removed row leaves a gap in
/// the sequence (or a head with nothing to reach it), and an added row either breaks the chain or stands
/// beyond the recorded head. Reports progress a page at a time; the last report names the first broken
/// row, if any.
/// </summary>
public sealed class JournalVerifier(IGrainStorage storage)
{
    public const int DefaultPageSize = 1_000;

    /// <param name="grainPrefix">Only grains whose id starts with this (e.g. <c>volunteer/</c>); empty for all.</param>
    /// <param name="community">Only grains whose state names this community (<c>communityId</c>); null for all.</param>
    public async IAsyncEnumerable<JournalVerification> VerifyAsync(
        string grainPrefix = "", string? community = null, int pageSize = DefaultPageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grainPrefix);
        long rows = 0, chains = 0;
        var grain = "";
        var accepted = false;
        var expected = 0L;
        ReadOnlyMemory<byte> previous = JournalChain.Genesis;
        Head head = default;
        string afterGrain = grainPrefix, lastGrain = "";
        var afterSequence = 0L;
        while (true)
        {
            var page = await storage.ReadAllJournalAsync(afterGrain, afterSequence, pageSize, cancellationToken);
            var ended = page.Count == 0 || !page[^1].GrainId.StartsWith(grainPrefix, StringComparison.Ordinal);
            foreach (var (grainId, row) in page)
            {
                if (!grainId.StartsWith(grainPrefix, StringComparison.Ordinal))
                {
                    break;
                }

                if (!string.Equals(grainId, grain, StringComparison.Ordinal))
                {
                    if (accepted && await EndOfChainAsync(grain, expected, previous, head, cancellationToken) is { } brokenEnd)
                    {
                        yield return new JournalVerification(rows, chains, brokenEnd, Done: true);
                        yield break;
                    }

                    grain = grainId;
                    head = await HeadAsync(grainId, cancellationToken);
                    accepted = community is null || string.Equals(head.Community, community, StringComparison.Ordinal);
                    expected = 1;
                    previous = JournalChain.Genesis;
                    chains += accepted ? 1 : 0;
                }

                lastGrain = grainId;
                if (!accepted)
                {
                    continue;
                }

                rows++;
                if (row.Sequence > head.Sequence)
                {
                    head = await HeadAsync(grainId, cancellationToken); // the grain may have written since its head was read
                }

                if (Check(grainId, row, expected, previous.Span, head) is { } broken)
                {
                    yield return new JournalVerification(rows, chains, broken, Done: true);
                    yield break;
                }

                previous = row.ChainHash;
                expected = row.Sequence + 1;
            }

            if (ended)
            {
                var brokenEnd = accepted ? await EndOfChainAsync(grain, expected, previous, head, cancellationToken) : null;
                yield return new JournalVerification(rows, chains, brokenEnd, Done: true);
                yield break;
            }

            afterGrain = lastGrain;
            afterSequence = page[^1].Entry.Sequence;
            yield return new JournalVerification(rows, chains, null, Done: false);
        }
    }

    private static BrokenRow? Check(string grainId, JournalEntry row, long expected, ReadOnlySpan<byte> previous, Head head)
    {
        if (row.Sequence > head.Sequence)
        {
            return new BrokenRow(grainId, row.Sequence, $"row {row.Sequence} stands beyond the last row the grain recorded ({head.Sequence}): it was added");
        }

        if (row.Sequence != expected)
        {
            return new BrokenRow(grainId, row.Sequence, expected == row.Sequence - 1
                ? $"row {expected} is missing before row {row.Sequence}"
                : $"rows {expected} to {row.Sequence - 1} are missing before row {row.Sequence}");
        }

        var recomputed = JournalChain.Next(previous, grainId, row);
        return recomputed.AsSpan().SequenceEqual(row.ChainHash.Span)
            ? null
            : new BrokenRow(grainId, row.Sequence, $"row {row.Sequence} does not hash to its stored chain hash: it or its stored hash was changed");
    }

    /// <summary>
    /// Checks that the chain ended where the grain's head says. Rows written after the page was read (a live
    /// system) are read and checked first, so only rows that are truly gone count as removed.
    /// </summary>
    private async Task<BrokenRow?> EndOfChainAsync(string grainId, long expected, ReadOnlyMemory<byte> last, Head head, CancellationToken cancellationToken)
    {
        if (expected - 1 < head.Sequence)
        {
            foreach (var row in await storage.ReadJournalAsync(grainId, expected - 1, (int)Math.Min(int.MaxValue, head.Sequence - expected + 1), cancellationToken))
            {
                if (Check(grainId, row, expected, last.Span, head) is { } broken)
                {
                    return broken;
                }

                last = row.ChainHash;
                expected = row.Sequence + 1;
            }
        }

        return EndOfChain(grainId, expected, last, head);
    }

    private static BrokenRow? EndOfChain(string grainId, long expected, ReadOnlyMemory<byte> last, Head head)
    {
        if (expected - 1 < head.Sequence)
        {
            return new BrokenRow(grainId, expected, $"the grain recorded {head.Sequence} rows but the journal ends at row {expected - 1}: rows were removed");
        }

        return head.Hash.Length == 0 || last.Span.SequenceEqual(head.Hash)
            ? null
            : new BrokenRow(grainId, head.Sequence, $"row {head.Sequence} is not the row the grain recorded as its last");
    }

    /// <summary>The last row's sequence and hash as the grain's state recorded them, and the grain's community.</summary>
    private async Task<Head> HeadAsync(string grainId, CancellationToken cancellationToken)
    {
        var state = await storage.ReadStateAsync(grainId, cancellationToken);
        if (state is null)
        {
            return new Head(0, [], null);
        }

        using var json = JsonDocument.Parse(state.Payload);
        long sequence = 0;
        byte[] hash = [];
        string? owner = null;
        foreach (var property in json.RootElement.EnumerateObject())
        {
            if (property.NameEquals("journalSequence"))
            {
                sequence = property.Value.GetInt64();
            }
            else if (property.NameEquals("journalHash") && property.Value.ValueKind == JsonValueKind.String)
            {
                hash = property.Value.GetBytesFromBase64();
            }
            else if (property.NameEquals("communityId") && property.Value.ValueKind == JsonValueKind.String)
            {
                owner = property.Value.GetString();
            }
        }

        return new Head(sequence, hash, owner);
    }

    private readonly record struct Head(long Sequence, byte[] Hash, string? Community);
}

/// <summary>Progress of a verification; the last one has <see cref="Done"/> and names the first broken row, if any.</summary>
public sealed record JournalVerification(long RowsChecked, long ChainsChecked, BrokenRow? FirstBroken, bool Done);

/// <summary>The first row where a chain does not hold, and why.</summary>
public sealed record BrokenRow(string GrainId, long Sequence, string Problem);
