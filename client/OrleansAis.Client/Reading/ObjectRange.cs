using System.Net.Http.Headers;

namespace OrleansAis.Client;

/// <summary>Part of an object: <see cref="Length"/> bytes from <see cref="Offset"/>, or everything from it when the length is null.</summary>
public readonly record struct ObjectRange
{
    public ObjectRange(long offset, long? length = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is <= 0) throw new ArgumentOutOfRangeException(nameof(length), length, "a range covers at least one byte");
        Offset = offset;
        Length = length;
    }

    public long Offset { get; }
    public long? Length { get; }

    /// <summary>The exclusive end within an object of <paramref name="size"/> bytes.</summary>
    public long EndIn(long size) => Length is { } l ? Offset + l : size;

    internal RangeHeaderValue ToHeader() => new(Offset, Length is { } l ? Offset + l - 1 : null);

    public override string ToString() => Length is { } l ? $"bytes {Offset}..{Offset + l - 1}" : $"bytes {Offset}..";
}
