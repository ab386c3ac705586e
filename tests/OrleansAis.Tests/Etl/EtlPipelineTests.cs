using OrleansAis.Client.Http;
using OrleansAis.Etl;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;

namespace OrleansAis.Tests.Etl;

/// <summary>The pipeline type: both spellings, per-stage etl_args, its one validation rule, and what a job records as its producer.</summary>
[Trait("Category", "Fast")]
public sealed class EtlPipelineTests
{
    [Theory]
    [InlineData("upper-a,md5-bb,echo-c")]
    [InlineData("upper-a>>md5-bb>>echo-c")]
    [InlineData(" upper-a >> md5-bb , echo-c ")]
    public void Both_spellings_give_the_same_stages(string spelling)
    {
        var pipeline = EtlPipeline.Parse(spelling, null);
        Assert.Equal(new[] { "upper-a", "md5-bb", "echo-c" }, pipeline.Stages.Select(s => s.Etl));
        Assert.All(pipeline.Stages, s => Assert.Null(s.EtlArgs));
        Assert.Equal("upper-a>>md5-bb>>echo-c", pipeline.Name);
    }

    [Fact]
    public void One_etl_args_goes_to_every_stage_and_one_per_stage_to_each()
    {
        Assert.All(EtlPipeline.Parse("upper-a,md5-bb", ["x"]).Stages, s => Assert.Equal("x", s.EtlArgs));
        var each = EtlPipeline.Parse("upper-a,md5-bb,echo-c", ["x", "", "z"]);
        Assert.Equal(new[] { "x", null, "z" }, each.Stages.Select(s => s.EtlArgs));
        var wrong = Assert.Throws<OaisException>(() => EtlPipeline.Parse("upper-a,md5-bb,echo-c", ["x", "y"]));
        Assert.Equal(OaisErrorCode.InvalidArgument, wrong.Code);
        Assert.Contains("2 values for 3 pipeline stages", wrong.Message);
    }

    [Theory]
    [InlineData("upper-a,,echo-c", "stage 2 of 3: name: is required")]
    [InlineData("upper-a>>Bad_Name", "stage 2 of 2: name: 'Bad_Name' must be lowercase")]
    [InlineData("upper-a>>abc", "stage 2 of 2: name: 'abc' is 3 characters")]
    [InlineData("etl-01,etl-02,etl-03,etl-04,etl-05,etl-06,etl-07,etl-08,etl-09", "9 stages; a pipeline has 1 to 8")]
    public void A_bad_pipeline_is_refused_naming_the_stage(string spelling, string expected)
    {
        var refused = Assert.Throws<OaisException>(() => EtlPipeline.Parse(spelling, null));
        Assert.Equal(OaisErrorCode.InvalidArgument, refused.Code);
        Assert.Contains(expected, refused.Message);
    }

    [Fact]
    public void Eight_stages_are_accepted()
    {
        Assert.Equal(EtlPipeline.MaxStages, EtlPipeline.Parse(string.Join(">>", Enumerable.Range(1, 8).Select(i => $"etl-0{i}")), null).Count);
    }

    [Fact]
    public void A_job_takes_exactly_one_of_etl_and_pipeline()
    {
        var pipeline = EtlPipeline.Parse("upper-a,md5-bb", null);
        EtlJobRequest Job(string? etl, EtlPipeline? p, string? args = null) =>
            new() { Etl = etl, Pipeline = p, EtlArgs = args, SourceBucket = "src", DestinationBucket = "dst" };
        Assert.Empty(Job("upper-a", null).Problems());
        Assert.Empty(Job(null, pipeline).Problems());
        Assert.Contains("etl: give exactly one of etl and pipeline", Job("upper-a", pipeline).Problems());
        Assert.Contains("etl: give exactly one of etl and pipeline", Job(null, null).Problems());
        Assert.Contains(Job(null, pipeline, "x").Problems(), p => p.StartsWith("etl_args:"));
        Assert.Contains(Job(null, new EtlPipeline { Stages = [] }).Problems(), p => p.Contains("0 stages"));
        Assert.Equal("upper-a", Job("upper-a", null, "q").EffectivePipeline.Name);
        Assert.Equal("q", Job("upper-a", null, "q").EffectivePipeline.Last.EtlArgs);
    }

    [Fact]
    public void A_result_records_the_whole_pipeline_as_its_producer_and_one_stage_as_single_etl_jobs_always_did()
    {
        var source = new ObjectMeta { Bucket = "src", Name = "a.txt", Version = 3, Checksum = "c0ffee" };
        Assert.Equal("upper-a|q|src/a.txt|v3|c0ffee", EtlCopier.SourceMarker("upper-a", "q", source));
        Assert.Equal(EtlCopier.SourceMarker("upper-a", "q", source), EtlCopier.SourceMarker(EtlPipeline.Single("upper-a", "q"), source));
        var markers = new[]
        {
            EtlCopier.SourceMarker(EtlPipeline.Parse("upper-a,md5-bb", null), source),
            EtlCopier.SourceMarker(EtlPipeline.Parse("md5-bb,upper-a", null), source),
            EtlCopier.SourceMarker(EtlPipeline.Parse("upper-a,md5-bb", ["", "x"]), source),
            EtlCopier.SourceMarker(EtlPipeline.Parse("upper-a,md5-bb,echo-c", null), source),
            EtlCopier.SourceMarker("upper-a", null, source),
        };
        Assert.Equal(markers.Length, markers.Distinct().Count());
    }

    [Fact]
    public void A_pipeline_job_keeps_its_stages_through_the_http_contract()
    {
        var request = new EtlJobRequest
        {
            Pipeline = EtlPipeline.Parse("upper-a>>md5-bb", ["x", ""]), SourceBucket = "src", DestinationBucket = "dst",
        };
        var body = HttpModel.JobStart(request);
        Assert.Null(body.Etl);
        Assert.Equal(new[] { "upper-a", "md5-bb" }, body.Pipeline!);
        Assert.Equal(new[] { "x", null }, body.PipelineArgs!);
    }

    [Fact]
    public void The_contract_splits_both_spellings()
    {
        Assert.Equal(new[] { "a", "b", "c" }, EtlPipelineSpelling.Split("a>>b>>c"));
        Assert.Equal(new[] { "a", "b", "c" }, EtlPipelineSpelling.Split("a,b,c"));
        Assert.Equal(new[] { "a" }, EtlPipelineSpelling.Split("a"));
    }
}
