using System.Diagnostics.Metrics;

namespace OrleansAis.Etl;

/// <summary>Per-ETL counters and latency, labelled by ETL, communicator and node (meter <see cref="MeterName"/>).</summary>
public sealed class EtlMetrics
{
    public const string MeterName = "OrleansAis.Etl";

    private readonly Counter<long> _objects;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _latency;

    public EtlMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _objects = meter.CreateCounter<long>("oais.etl.objects", "{object}", "Objects transformed");
        _bytesIn = meter.CreateCounter<long>("oais.etl.bytes_in", "By", "Object bytes handed to transformers");
        _bytesOut = meter.CreateCounter<long>("oais.etl.bytes_out", "By", "Bytes transformers produced");
        _errors = meter.CreateCounter<long>("oais.etl.errors", "{error}", "Failed or timed-out transforms");
        _latency = meter.CreateHistogram<double>("oais.etl.duration", "ms", "Time to transform one object");
    }

    public void Transformed(EtlSpec spec, string node, long bytesIn, long bytesOut, TimeSpan elapsed)
    {
        var tags = Tags(spec, node);
        _objects.Add(1, tags);
        _bytesIn.Add(bytesIn, tags);
        _bytesOut.Add(bytesOut, tags);
        _latency.Record(elapsed.TotalMilliseconds, tags);
    }

    public void Failed(EtlSpec spec, string node) => _errors.Add(1, Tags(spec, node));

    private static ReadOnlySpan<KeyValuePair<string, object?>> Tags(EtlSpec spec, string node) => new KeyValuePair<string, object?>[]
    {
        new("etl", spec.Name), new("communicator", spec.Communication.ToScheme()), new("node", node),
    };
}
