using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace OrleansAis.Http.Contracts;

/// <summary>The API's JSON conventions, for the silo and every client alike: snake_case names, dictionary keys as given.</summary>
public static class OaisJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            Converters = { new JsonStringEnumConverter() },
            // Object names and messages are shown to people: keep quotes and non-ASCII readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            // The API's documents are source generated; reflection serves only what a client composes around them
            // (the CLI's --json output of its own rows).
            TypeInfoResolver = JsonTypeInfoResolver.Combine(OaisJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>Source-generated metadata of every document of the API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ErrorDocument))]
[JsonSerializable(typeof(HealthDto))]
[JsonSerializable(typeof(BucketListDto))]
[JsonSerializable(typeof(BucketCreateRequest))]
[JsonSerializable(typeof(ObjectPageDto))]
[JsonSerializable(typeof(ObjectMetaDto))]
[JsonSerializable(typeof(ObjectCopyRequest))]
[JsonSerializable(typeof(DirectPutResultDto))]
[JsonSerializable(typeof(ClusterDto))]
[JsonSerializable(typeof(EtlListDto))]
[JsonSerializable(typeof(EtlDetailsDto))]
[JsonSerializable(typeof(EtlLogsDto))]
[JsonSerializable(typeof(EtlMetricsDto))]
[JsonSerializable(typeof(EtlCopyRequest))]
[JsonSerializable(typeof(EtlCopyResultDto))]
[JsonSerializable(typeof(JobStartRequest))]
[JsonSerializable(typeof(JobListDto))]
[JsonSerializable(typeof(JobDetailsDto))]
[JsonSerializable(typeof(FollowRuleRequest))]
[JsonSerializable(typeof(FollowRuleDto))]
[JsonSerializable(typeof(FollowRuleListDto))]
[JsonSerializable(typeof(ObjectEventDto))]
[JsonSerializable(typeof(EtlEventDto))]
[JsonSerializable(typeof(JobEventDto))]
[JsonSerializable(typeof(EventsLostDto))]
public sealed partial class OaisJsonContext : JsonSerializerContext;
