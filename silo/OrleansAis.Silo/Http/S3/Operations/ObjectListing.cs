namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>What to list: names after <paramref name="After"/> (exclusive) that start with <paramref name="Prefix"/>.</summary>
public sealed record ListingQuery(string Prefix, string? Delimiter, int MaxKeys, string? After);

/// <summary>
/// One page: objects and common prefixes together count against MaxKeys; <paramref name="Last"/> is the last key or
/// common prefix listed, where the next page starts.
/// </summary>
public sealed record ListingPage(IReadOnlyList<ObjectEntry> Objects, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? Last);

/// <summary>
/// S3 listing semantics over the cluster's merged, name-ordered listing: with a delimiter, names sharing everything up to
/// the first delimiter after the prefix roll up into one common prefix, which is listed once and then skipped over
/// (by asking for names after it), so a "folder" of a million objects costs one page, not a thousand.
/// </summary>
public static class ObjectListing
{
    /// <summary>Appended to a common prefix: a continuation token past every name that starts with it.</summary>
    private const char PastEveryName = char.MaxValue;

    public static async Task<ListingPage> ListAsync(Func<ListRequest, Task<ObjectListPage>> fetch, ListingQuery query)
    {
        var objects = new List<ObjectEntry>();
        var prefixes = new List<string>();
        if (query.MaxKeys == 0) return new ListingPage(objects, prefixes, false, null);
        // Resuming after a common prefix: everything under it was already represented by it.
        var skip = query.After is { } after && CommonPrefixOf(after, query) == after ? after : null;
        var token = skip is null ? query.After : skip + PastEveryName;
        var pageSize = string.IsNullOrEmpty(query.Delimiter) ? Math.Min(query.MaxKeys + 1, ListRequest.DefaultPageSize) : ListRequest.DefaultPageSize;
        string? last = null;
        while (true)
        {
            var page = await fetch(new ListRequest { Prefix = query.Prefix, PageSize = pageSize, ContinuationToken = token });
            foreach (var entry in page.Entries)
            {
                if (skip is not null && entry.Name.StartsWith(skip, StringComparison.Ordinal)) continue;
                if (objects.Count + prefixes.Count == query.MaxKeys) return new ListingPage(objects, prefixes, true, last);
                if (CommonPrefixOf(entry.Name, query) is { } common)
                {
                    prefixes.Add(common);
                    skip = last = common;
                }
                else
                {
                    objects.Add(entry);
                    last = entry.Name;
                }
            }
            if (page.ContinuationToken is not { } next) return new ListingPage(objects, prefixes, false, last);
            token = skip is not null && next.StartsWith(skip, StringComparison.Ordinal) ? skip + PastEveryName : next;
        }
    }

    /// <summary>The common prefix <paramref name="name"/> rolls up into, or null when it is listed as itself.</summary>
    public static string? CommonPrefixOf(string name, ListingQuery query)
    {
        if (string.IsNullOrEmpty(query.Delimiter) || !name.StartsWith(query.Prefix, StringComparison.Ordinal)) return null;
        var at = name.IndexOf(query.Delimiter, query.Prefix.Length, StringComparison.Ordinal);
        return at < 0 ? null : name[..(at + query.Delimiter.Length)];
    }
}
