using System.Text.Json;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Tests.Http;

/// <summary>The HTTP contract's path building and JSON conventions, which the silo and every client share.</summary>
[Trait("Category", "Fast")]
public sealed class OaisContractTests
{
    [Theory]
    [InlineData("b", "a", "v1/objects/b/a")]
    [InlineData("b", "dir/sub/file.tar", "v1/objects/b/dir/sub/file.tar")]
    [InlineData("b", "with space/ü", "v1/objects/b/with%20space/%C3%BC")]
    [InlineData("b", "a%2Fb", "v1/objects/b/a%252Fb")] // a literal '%' is escaped, so the name round-trips
    [InlineData("b", "q?x#y", "v1/objects/b/q%3Fx%23y")]
    public void Object_paths_escape_each_name_segment_and_keep_its_slashes(string bucket, string name, string expected) =>
        Assert.Equal(expected, OaisRoutes.ObjectPath(bucket, name));

    [Fact]
    public void Paths_are_the_route_templates_filled_in_relative()
    {
        Assert.Equal("v1/buckets/my%20bucket", OaisRoutes.BucketPath("my bucket"));
        Assert.Equal("v1/cluster/nodes/n%2F1/decommission", OaisRoutes.DecommissionPath("n/1"));
        Assert.Equal("v1/jobs/job-1/abort", OaisRoutes.JobAbortPath("job-1"));
        Assert.Equal("v1/buckets/src/transforms/dst%20b", OaisRoutes.BucketTransformPath("src", "dst b"));
        Assert.Equal("v1/etl/_object/e/s3cr3t", OaisRoutes.TransformerObjectBase("e", "s3cr3t"));
    }

    [Fact]
    public void Segment_counts_before_the_object_match_the_templates()
    {
        Assert.Equal(2, OaisRoutes.ObjectPrefixSegments);
        Assert.Equal(5, OaisRoutes.TransformerObjectPrefixSegments);
    }

    [Fact]
    public void Query_keeps_only_parameters_with_a_value_escaped()
    {
        var path = OaisRoutes.WithQuery("v1/buckets/b", (OaisQuery.Prefix, "a b&c"), (OaisQuery.PageSize, null), (OaisQuery.ContinuationToken, "x/y"));
        Assert.Equal("v1/buckets/b?prefix=a%20b%26c&continuation_token=x%2Fy", path);
        Assert.Equal("v1/buckets/b", OaisRoutes.WithQuery("v1/buckets/b", (OaisQuery.Force, null)));
    }

    [Fact]
    public void Documents_are_snake_case_with_dictionary_keys_and_non_ascii_as_given()
    {
        var meta = new ObjectMetaDto("b", "ünï \"q\"", 3, "0123456789abcdef", "xxhash64", "text/plain", 1,
            DateTimeOffset.UnixEpoch, "n0", new Dictionary<string, string> { ["CamelKey"] = "v" });
        var json = JsonSerializer.Serialize(meta, OaisJson.Options);
        Assert.Equal(
            "{\"bucket\":\"b\",\"name\":\"ünï \\\"q\\\"\",\"size\":3,\"checksum\":\"0123456789abcdef\",\"checksum_type\":\"xxhash64\"," +
            "\"content_type\":\"text/plain\",\"version\":1,\"modified\":\"1970-01-01T00:00:00+00:00\",\"node\":\"n0\",\"custom\":{\"CamelKey\":\"v\"}}",
            json);
        Assert.Equal(meta.Custom["CamelKey"], JsonSerializer.Deserialize<ObjectMetaDto>(json, OaisJson.Options)!.Custom["CamelKey"]);
    }

    [Fact]
    public void Error_document_names_the_code_and_status()
    {
        var json = JsonSerializer.Serialize(new ErrorDocument(new ErrorDto(nameof(OaisErrorCode.NoSuchEndpoint), "no", 404)), OaisJson.Options);
        Assert.Equal("{\"error\":{\"code\":\"NoSuchEndpoint\",\"message\":\"no\",\"status\":404}}", json);
    }

    [Theory]
    [InlineData(System.Net.HttpStatusCode.NotFound, "BucketNotFound", OaisErrorCode.BucketNotFound)]
    [InlineData(System.Net.HttpStatusCode.NotFound, null, OaisErrorCode.ObjectNotFound)]
    [InlineData(System.Net.HttpStatusCode.BadGateway, "SomethingNew", OaisErrorCode.Unavailable)]
    [InlineData(System.Net.HttpStatusCode.GatewayTimeout, null, OaisErrorCode.TransformTimeout)]
    public void Api_errors_map_back_to_the_grains_codes(System.Net.HttpStatusCode status, string? serverCode, OaisErrorCode expected) =>
        Assert.Equal(expected, new OaisApiException(status, serverCode, "m").ErrorCode);
}
