using System.Buffers;

namespace TimeBank.Rpc.Tests.Support;

/// <summary>
/// Builds a <see cref="ReadOnlySequence{T}"/> out of several segments, the shape a pipe hands out when
/// bytes arrive in separate reads, so the framing code meets split headers and split bodies.
/// </summary>
internal static class SegmentedSequence
{
    public static ReadOnlySequence<byte> Of(params byte[][] parts)
    {
        if (parts.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Cuts <paramref name="bytes"/> at the given offsets, each piece its own segment.</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] bytes, params int[] offsets)
    {
        var parts = new List<byte[]>();
        var start = 0;
        foreach (var offset in offsets.Order())
        {
            parts.Add(bytes[start..offset]);
            start = offset;
        }

        parts.Add(bytes[start..]);
        return Of([.. parts]);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
