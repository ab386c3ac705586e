using System.Text.Json;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Cli.Output;

/// <summary>
/// Writes a listing entry by entry as pages arrive, so a bucket of millions of objects never sits in memory:
/// text has fixed-width columns first and the name last (like <c>aws s3 ls</c>), JSON is <c>{"entries":[...]}</c>.
/// </summary>
internal sealed class ObjectListingWriter(CommandOutput output)
{
    private const string TextRow = "{0,-19}  {1,10}  {2}";
    private int _written;

    public void Begin()
    {
        if (output.Json) output.Out.Write("{\"entries\":[");
        else output.Out.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, TextRow, "MODIFIED", "SIZE", "NAME"));
    }

    public void Write(ObjectEntryDto entry)
    {
        if (output.Json)
        {
            if (_written > 0) output.Out.Write(',');
            output.Out.Write(JsonSerializer.Serialize(entry, OaisJson.Options));
        }
        else
        {
            output.Out.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, TextRow, Times.Format(entry.Modified), Sizes.Format(entry.Size), entry.Name));
        }
        _written++;
    }

    public void End()
    {
        if (output.Json) output.Out.WriteLine("]}");
    }
}
