using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

namespace OrleansAis.Storage;

/// <summary>Where a silo keeps its objects. Bound from the "Store" configuration section.</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>Root folder for this silo's data; mountpaths default to a folder inside it.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Folders (ideally one per disk) that hold objects; objects spread over them by rendezvous hash.</summary>
    public List<string> Mountpaths { get; set; } = [];

    /// <summary>Verify the whole-object checksum on full reads (costs one hash pass over the bytes).</summary>
    public bool VerifyOnRead { get; set; }

    /// <summary>
    /// How many objects' parsed metadata a silo keeps in memory, so a GET opens one file instead of two (0: none).
    /// About 0.3 KiB each, more with user metadata.
    /// </summary>
    public int MetaCacheEntries { get; set; } = 100_000;

    public IReadOnlyList<string> EffectiveMountpaths =>
        Mountpaths.Count > 0 ? Mountpaths : [Path.Combine(DataDirectory, "mp")];

    /// <summary>What is wrong with these settings, each naming its configuration key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory)) yield return $"{Section}:DataDirectory is empty";
        for (var i = 0; i < Mountpaths.Count; i++)
            if (string.IsNullOrWhiteSpace(Mountpaths[i])) yield return $"{Section}:Mountpaths:{i} is empty";
    }

    /// <summary>Refuses to start a silo with unusable Store settings.</summary>
    public sealed class Validator : IValidateOptions<StoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, StoreOptions options) => OptionsValidation.Result(options.Problems());
    }
}
