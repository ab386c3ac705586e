namespace OrleansAis;

/// <summary>Bucket properties the store itself acts on (others are kept as given). The one place that parses them.</summary>
public static class BucketProperties
{
    /// <summary>How many nodes hold each object: the owner plus the next nodes in its rendezvous ranking.</summary>
    public const string Copies = "copies";
    public const int MaxCopies = 8;

    /// <summary>Refuses properties the store cannot honour, naming the property and the allowed values.</summary>
    public static void Validate(IReadOnlyDictionary<string, string>? properties)
    {
        if (properties is not null && properties.TryGetValue(Copies, out var value)) ParseCopies(value);
    }

    /// <summary>The bucket's copy count (1 when not set).</summary>
    public static int CopiesOf(BucketInfo bucket) =>
        bucket.Properties.TryGetValue(Copies, out var value) ? ParseCopies(value) : 1;

    private static int ParseCopies(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, null, out var n) && n is >= 1 and <= MaxCopies
            ? n
            : throw new OaisException(OaisErrorCode.InvalidArgument,
                $"bucket property '{Copies}' must be a whole number from 1 to {MaxCopies}, not '{value}'");
}
