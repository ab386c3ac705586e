using System.Text;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>
/// One hostile request and what must come back: a 4xx (exactly <see cref="Status"/> when set) whose body contains one
/// of <see cref="Mentions"/> (case-insensitive), so the answer names the problem.
/// </summary>
public sealed record BadInputCase(string Category, string Name, Func<BadInputSeed, RawRequest> Build, int? Status, params string[] Mentions)
{
    /// <summary>The body is cut short: no answer at all is acceptable (the client went away); an answer must still be 4xx.</summary>
    public bool Truncated { get; init; }

    public override string ToString() => $"{Category}: {Name}";
}

/// <summary>What the store holds before the hostile requests (see <see cref="BadInputTests"/>), for cases to aim at.</summary>
public sealed record BadInputSeed(string Bucket, string OtherBucket, string EmptyBucket, string Object1K, string EmptyObject,
    string AccessKey, string SecretKey, string Marker)
{
    /// <summary>The Host header value a signature is computed for (set per silo by the runner).</summary>
    public string Host { get; init; } = "";
}

/// <summary>The table: every hostile request of the suite, grouped by category.</summary>
public static class BadInputCases
{
    public const string Traversal = "path traversal";
    public const string Control = "NUL and control characters";
    public const string LongNames = "long names";
    public const string Ranges = "bad ranges";
    public const string ContentLength = "bad Content-Length";
    public const string Truncated = "truncated bodies";
    public const string EtlSpecs = "malformed ETL specs";
    public const string JobSpecs = "malformed job and copy requests";
    public const string SigV4 = "wrong SigV4";
    public const string Actions = "unknown actions and bad parameters";

    /// <summary>
    /// Mentions of a case that Kestrel's HTTP parser refuses before any application code runs: its 400/414 has no body
    /// and no hook to give it one, so only the status is checked (see docs/RELIABILITY.md).
    /// </summary>
    public static readonly string[] HttpParser = [];

    public static IReadOnlyList<BadInputCase> All { get; } = Build().ToList();

    private static IEnumerable<BadInputCase> Build() =>
        TraversalCases().Concat(ControlCases()).Concat(LongNameCases()).Concat(RangeCases()).Concat(ContentLengthCases())
            .Concat(TruncatedCases()).Concat(EtlSpecCases()).Concat(JobCases()).Concat(SigV4Cases()).Concat(ActionCases());

    /// <summary>Object-level requests on both APIs: (label, method, target for a raw object name part, body).</summary>
    private static IEnumerable<(string Api, string Method, Func<BadInputSeed, string, string> Target, string? Body)> ObjectRequests()
    {
        yield return ("AIS", "PUT", (s, raw) => $"/v1/objects/{s.Bucket}/{raw}", "hostile");
        yield return ("AIS", "GET", (s, raw) => $"/v1/objects/{s.Bucket}/{raw}", null);
        yield return ("AIS", "DELETE", (s, raw) => $"/v1/objects/{s.Bucket}/{raw}", null);
        yield return ("S3", "PUT", (s, raw) => $"/{s.Bucket}/{raw}", "hostile");
        yield return ("S3", "GET", (s, raw) => $"/{s.Bucket}/{raw}", null);
        yield return ("S3", "DELETE", (s, raw) => $"/{s.Bucket}/{raw}", null);
    }

    private static IEnumerable<BadInputCase> ForEveryObjectRequest(string category, string label, Func<BadInputSeed, string> rawName,
        int status, params string[] mentions) =>
        ObjectRequests().Select(r => new BadInputCase(category, $"{r.Api} {r.Method} {label}",
            s => RawRequest.Of(r.Method, r.Target(s, rawName(s)), r.Body), status, mentions));

    private static IEnumerable<BadInputCase> TraversalCases()
    {
        var escapes = new (string Label, Func<BadInputSeed, string> Raw)[]
        {
            ("'..' with encoded slashes", s => $"..%2f..%2f..%2f..%2ftmp%2f{s.Marker}"),
            ("plain '../'", s => $"../../../../tmp/{s.Marker}"),
            ("'..' after a segment", s => $"data/../../../../{s.Marker}"),
            ("bare '..'", _ => ".."),
            ("encoded dots '%2e%2e/'", s => $"%2e%2e/%2e%2e/%2e%2e/tmp/{s.Marker}"),
            ("upper-case '%2E%2E%2F'", s => $"%2E%2E%2F%2E%2E%2Ftmp%2F{s.Marker}"),
            ("bare '%2e%2e'", _ => "%2e%2e"),
            ("double-encoded '%252e%252e%252f'", s => $"%252e%252e%252f%252e%252e%252ftmp%252f{s.Marker}"),
            ("double-encoded dots, plain slashes", s => $"%252e%252e/%252e%252e/tmp/{s.Marker}"),
            ("overlong UTF-8 '%c0%ae%c0%ae%c0%af'", s => $"%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%aftmp%c0%af{s.Marker}"),
            ("overlong UTF-8 dots, plain slashes", s => $"%c0%ae%c0%ae/%c0%ae%c0%ae/tmp/{s.Marker}"),
            ("encoded backslashes '..%5c'", s => $"..%5c..%5c..%5ctmp%5c{s.Marker}"),
            ("raw backslashes '..\\'", s => $"..\\..\\..\\tmp\\{s.Marker}"),
            ("absolute path (empty first segment)", s => $"/etc/{s.Marker}"),
            ("absolute path, encoded '%2fetc'", s => $"%2fetc%2f{s.Marker}"),
        };
        foreach (var (label, raw) in escapes)
        {
            foreach (var c in ForEveryObjectRequest(Traversal, label, raw, 400, "'..'", "absolute", "UTF-8")) yield return c;
        }
        yield return new(Traversal, "AIS create bucket '%2e%2e'", _ => RawRequest.Of("PUT", "/v1/buckets/%2e%2e"), 404, "no endpoint");
        yield return new(Traversal, "AIS create bucket '..%2f..%2ftmp'", _ => RawRequest.Of("PUT", "/v1/buckets/..%2f..%2ftmp"), 400, "bucket name");
        yield return new(Traversal, "AIS PUT into bucket '..%2f..%2ftmp'", s => RawRequest.Of("PUT", $"/v1/objects/..%2f..%2ftmp/{s.Marker}", "x"), 400, "bucket name");
        yield return new(Traversal, "AIS list bucket '%2e%2e'", _ => RawRequest.Of("GET", "/v1/buckets/%2e%2e"), 404, "no endpoint");
        yield return new(Traversal, "S3 create bucket '%2e%2e'", _ => RawRequest.Of("PUT", "/%2e%2e"), 400, "bucket name");
        yield return new(Traversal, "S3 PUT into bucket '..%2ftmp'", s => RawRequest.Of("PUT", $"/..%2ftmp/{s.Marker}", "x"), 400, "bucket name");
        yield return new(Traversal, "S3 PUT into bucket '%2e%2e' with '..' key", s => RawRequest.Of("PUT", $"/%2e%2e/%2e%2e/{s.Marker}", "x"), 400, "bucket name");
    }

    private static IEnumerable<BadInputCase> ControlCases()
    {
        // Kestrel refuses a '%00' in the path itself, with a bare 400 (no body) before any application code runs.
        var nuls = new (string Label, string Raw)[]
        {
            ("NUL in the middle '%00'", "data%00.bin"),
            ("NUL alone", "%00"),
            ("NUL after a '..'", "..%00/x"),
        };
        foreach (var (label, raw) in nuls)
        {
            foreach (var c in ForEveryObjectRequest(Control, label, _ => raw, 400, HttpParser)) yield return c;
        }
        var names = new (string Label, string Raw)[]
        {
            ("control character %01", "a%01b"),
            ("CR LF (header injection)", "a%0d%0aX-Injected:%201"),
            ("tab", "tab%09name"),
            ("escape %1b (terminal control)", "%1b%5b31mred"),
            ("DEL %7f", "del%7f"),
        };
        foreach (var (label, raw) in names)
        {
            foreach (var c in ForEveryObjectRequest(Control, label, _ => raw, 400, "NUL", "control character")) yield return c;
        }
        yield return new(Control, "AIS create bucket with NUL", _ => RawRequest.Of("PUT", "/v1/buckets/ab%00c"), 400, HttpParser);
        yield return new(Control, "S3 create bucket with control character", _ => RawRequest.Of("PUT", "/ab%01c"), 400, "bucket name");
        yield return new(Control, "S3 PUT with control character in a metadata value",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/meta-ctl", "x", ("x-amz-meta-note", "a\u0001b")), 400, "metadata");
        yield return new(Control, "AIS PUT with a raw NUL byte in the request line", s => RawRequest.Of("PUT", $"/v1/objects/{s.Bucket}/a\0b", "x"), 400, HttpParser);
        yield return new(Control, "S3 PUT with a raw control byte in the request line", s => RawRequest.Of("PUT", $"/{s.Bucket}/a\u0002b", "x"), 400, "control character");
    }

    private static IEnumerable<BadInputCase> LongNameCases()
    {
        var twoKiB = new string('n', 2048);
        var multiByte = string.Concat(Enumerable.Repeat("%E2%82%AC", 342)); // 342 x '€' = 1026 bytes of UTF-8
        var deep = string.Join('/', Enumerable.Repeat("d", 1100)); // 2199 bytes, many segments
        foreach (var c in ForEveryObjectRequest(LongNames, "2 KiB name", _ => twoKiB, 400, "1024")) yield return c;
        foreach (var c in ForEveryObjectRequest(LongNames, "1026-byte name of 3-byte characters", _ => multiByte, 400, "1024")) yield return c;
        foreach (var c in ForEveryObjectRequest(LongNames, "2 KiB name of 1100 segments", _ => deep, 400, "1024")) yield return c;
        var sixtyFourKiB = new string('n', 64 << 10);
        // Beyond Kestrel's 8 KiB request line: "414 URI Too Long" from the HTTP parser, no body.
        foreach (var c in ForEveryObjectRequest(LongNames, "64 KiB name", _ => sixtyFourKiB, 414, HttpParser)) yield return c;
        yield return new(LongNames, "AIS create bucket with a 2 KiB name", _ => RawRequest.Of("PUT", "/v1/buckets/" + twoKiB), 400, "bucket name");
        yield return new(LongNames, "S3 create bucket with a 2 KiB name", _ => RawRequest.Of("PUT", "/" + twoKiB), 400, "bucket name");
        yield return new(LongNames, "AIS copy-transform from a 2 KiB name",
            s => RawRequest.Of("POST", "/v1/etl/no-such-etl/copy", $"{{\"from\":\"{s.Bucket}/{twoKiB}\",\"to\":\"{s.OtherBucket}/x\"}}"), 400, "1024");
        yield return new(LongNames, "AIS job naming a 64 KiB object",
            s => RawRequest.Of("POST", "/v1/jobs/etl", $"{{\"etl\":\"no-such-etl\",\"from_bucket\":\"{s.Bucket}\",\"to_bucket\":\"{s.OtherBucket}\",\"names\":[\"{sixtyFourKiB}\"]}}"),
            400, "1024");
    }

    private static IEnumerable<BadInputCase> RangeCases()
    {
        var ranges = new (string Label, string Header)[]
        {
            ("start at the size", "bytes=1000-"),
            ("start beyond the size", "bytes=5000-6000"),
            ("end before start", "bytes=500-100"),
            ("two ranges", "bytes=0-10,20-30"),
            ("overlapping ranges", "bytes=0-500,250-750"),
            ("zero-length suffix", "bytes=-0"),
            ("double dash", "bytes=--5"),
            ("letters", "bytes=abc-def"),
            ("three parts", "bytes=1-2-3"),
            ("unknown unit", "items=0-10"),
            ("empty spec", "bytes="),
            ("lone dash", "bytes=-"),
            ("negative start", "bytes=-5-10"),
            ("number overflow", "bytes=99999999999999999999-"),
        };
        foreach (var (label, header) in ranges)
        {
            yield return new(Ranges, $"AIS GET {label} '{header}'", s => RawRequest.Of("GET", $"/v1/objects/{s.Bucket}/{s.Object1K}?proxy=true", null, ("Range", header)), 416, "range");
            yield return new(Ranges, $"S3 GET {label} '{header}'", s => RawRequest.Of("GET", $"/{s.Bucket}/{s.Object1K}", null, ("Range", header)), 416, "range");
        }
        yield return new(Ranges, "AIS GET 'bytes=0-' of an empty object", s => RawRequest.Of("GET", $"/v1/objects/{s.Bucket}/{s.EmptyObject}?proxy=true", null, ("Range", "bytes=0-")), 416, "range");
        yield return new(Ranges, "S3 GET 'bytes=-1' of an empty object", s => RawRequest.Of("GET", $"/{s.Bucket}/{s.EmptyObject}", null, ("Range", "bytes=-1")), 416, "range");
        yield return new(Ranges, "S3 GET partNumber=2 of a one-part object", s => RawRequest.Of("GET", $"/{s.Bucket}/{s.Object1K}?partNumber=2"), 416, "part");
    }

    private static IEnumerable<BadInputCase> ContentLengthCases()
    {
        var lengths = new (string Label, string Value)[]
        {
            ("negative", "-1"),
            ("not a number", "ten"),
            ("beyond 64 bits", "99999999999999999999999"),
            ("two values in one header", "4, 5"),
            ("hexadecimal", "0x10"),
        };
        // A Content-Length that is not one decimal number is refused by Kestrel's parser: a bare 400, no body.
        foreach (var (label, value) in lengths)
        {
            yield return new(ContentLength, $"AIS PUT Content-Length {label} '{value}'",
                s => RawRequest.Of("PUT", $"/v1/objects/{s.Bucket}/cl-{s.Marker}", "data", ("Content-Length", value)), 400, HttpParser);
            yield return new(ContentLength, $"S3 PUT Content-Length {label} '{value}'",
                s => RawRequest.Of("PUT", $"/{s.Bucket}/cl-{s.Marker}", "data", ("Content-Length", value)), 400, HttpParser);
        }
        yield return new(ContentLength, "AIS PUT two different Content-Length headers",
            s => RawRequest.Of("PUT", $"/v1/objects/{s.Bucket}/cl-{s.Marker}", "data", ("Content-Length", "4"), ("Content-Length", "2")), 400, HttpParser);
        yield return new(ContentLength, "S3 PUT two different Content-Length headers",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/cl-{s.Marker}", "data", ("Content-Length", "4"), ("Content-Length", "2")), 400, HttpParser);
        // A length far beyond the bytes sent: the body ends early and nothing is stored. Kestrel takes the client's
        // half-close for a disconnect, so, like every truncated body, it may get no answer at all.
        yield return new(ContentLength, "AIS PUT Content-Length of 1 EiB",
            s => RawRequest.Of("PUT", $"/v1/objects/{s.Bucket}/cl-{s.Marker}", "data", ("Content-Length", "1152921504606846976")) with { CloseAfterBody = true }, 400, "request content") { Truncated = true };
        yield return new(ContentLength, "S3 PUT Content-Length of 1 EiB",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/cl-{s.Marker}", "data", ("Content-Length", "1152921504606846976")) with { CloseAfterBody = true }, 400, "request content") { Truncated = true };
        yield return new(ContentLength, "S3 PUT x-amz-decoded-content-length not a number",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/cl-{s.Marker}", "0\r\n\r\n", ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
                ("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", "-5")), 400, "decoded-content-length");
    }

    private static IEnumerable<BadInputCase> TruncatedCases()
    {
        RawRequest Cut(string method, string target, string sent, string announced, params (string, string)[] headers) =>
            RawRequest.Of(method, target, sent, [("Content-Length", announced), .. headers]) with { CloseAfterBody = true };
        yield return new(Truncated, "AIS PUT 10 of 1000 bytes", s => Cut("PUT", $"/v1/objects/{s.Bucket}/cut-{s.Marker}", "0123456789", "1000"), null, "")
            { Truncated = true };
        yield return new(Truncated, "S3 PUT 10 of 1000 bytes", s => Cut("PUT", $"/{s.Bucket}/cut-{s.Marker}", "0123456789", "1000"), null, "")
            { Truncated = true };
        yield return new(Truncated, "AIS PUT chunked, cut inside a chunk",
            s => RawRequest.Of("PUT", $"/v1/objects/{s.Bucket}/cut-{s.Marker}", "64\r\n0123456789", ("Transfer-Encoding", "chunked")) with { CloseAfterBody = true },
            null, "") { Truncated = true };
        yield return new(Truncated, "S3 PUT chunked, no last chunk",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/cut-{s.Marker}", "a\r\n0123456789\r\n", ("Transfer-Encoding", "chunked")) with { CloseAfterBody = true },
            null, "") { Truncated = true };
        yield return new(Truncated, "S3 PUT aws-chunked, cut inside a chunk",
            s => Cut("PUT", $"/{s.Bucket}/cut-{s.Marker}", "3e8\r\n0123456789", "2000", ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
                ("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", "1000")), null, "") { Truncated = true };
        yield return new(Truncated, "S3 PUT aws-chunked, whole body but shorter than decoded length",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/cut-{s.Marker}", "a\r\n0123456789\r\n0\r\n\r\n", ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
                ("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", "1000")), 400, "1000", "length", "decoded");
        yield return new(Truncated, "AIS create bucket with a cut JSON body",
            s => Cut("PUT", $"/v1/buckets/cut-{s.Marker}", "{\"properties\":{\"a\"", "200"), null, "") { Truncated = true };
        yield return new(Truncated, "AIS ETL init with a cut spec",
            _ => Cut("PUT", "/v1/etl", "{\"name\":\"cut-spec\",\"runtime\":{\"comm", "500"), null, "") { Truncated = true };
        yield return new(Truncated, "S3 multi-delete with a cut XML body",
            s => Cut("POST", $"/{s.Bucket}?delete", "<Delete><Object><Key>data/1k", "500"), null, "") { Truncated = true };
    }

    private static IEnumerable<BadInputCase> EtlSpecCases()
    {
        var specs = new (string Label, string Body, string[] Mentions)[]
        {
            ("empty body", "", ["empty"]),
            ("cut JSON", "{\"name\":\"bad-json\",", ["JSON"]),
            ("JSON with a trailing comma", "{\"name\":\"bad-json\",\"runtime\":{\"command\":[\"x\"]},}", ["JSON"]),
            ("JSON array", "[1,2,3]", ["object"]),
            ("JSON string", "\"spec\"", ["object"]),
            ("name is a number", "{\"name\":5,\"runtime\":{\"command\":[\"x\"]}}", ["name"]),
            ("name with capitals", "{\"name\":\"BadName\",\"runtime\":{\"command\":[\"x\"]}}", ["name"]),
            ("name too short", "{\"name\":\"ab\",\"runtime\":{\"command\":[\"x\"]}}", ["name"]),
            ("name with a path", "{\"name\":\"../../etc\",\"runtime\":{\"command\":[\"x\"]}}", ["name"]),
            ("unknown field", "{\"name\":\"bad-field\",\"runtime\":{\"command\":[\"x\"]},\"frobnicate\":1}", ["frobnicate"]),
            ("no runtime", "{\"name\":\"no-runtime\"}", ["runtime", "image", "command"]),
            ("runtime is a string", "{\"name\":\"bad-runtime\",\"runtime\":\"docker\"}", ["runtime"]),
            ("command is a number", "{\"name\":\"bad-command\",\"runtime\":{\"command\":7}}", ["command"]),
            ("unknown communicator", "{\"name\":\"bad-comm\",\"communication\":\"ftp://\",\"runtime\":{\"command\":[\"x\"]}}", ["communication"]),
            ("negative timeout", "{\"name\":\"bad-timeout\",\"init_timeout\":\"-5s\",\"runtime\":{\"command\":[\"x\"]}}", ["init_timeout"]),
            ("timeout in weeks", "{\"name\":\"bad-timeout\",\"obj_timeout\":\"2w\",\"runtime\":{\"command\":[\"x\"]}}", ["obj_timeout"]),
            ("memory 'lots'", "{\"name\":\"bad-memory\",\"resources\":{\"memory\":\"lots\"},\"runtime\":{\"command\":[\"x\"]}}", ["memory"]),
            ("direct put 'maybe'", "{\"name\":\"bad-direct\",\"support_direct_put\":\"maybe\",\"runtime\":{\"command\":[\"x\"]}}", ["support_direct_put"]),
            ("JSON nested 10000 deep", new string('[', 10000) + new string(']', 10000), ["JSON", "depth", "nested"]),
            ("YAML with a broken indent", "name: bad-yaml\nruntime:\n  command: [x\n bad", ["YAML"]),
            ("YAML tab indentation", "name: bad-yaml\nruntime:\n\tcommand: x\n", ["YAML"]),
            ("YAML list", "- name\n- runtime\n", ["object"]),
            ("YAML scalar", "just words", ["object"]),
            ("YAML unknown communicator", "name: bad-yaml\ncommunication: gopher://\nruntime:\n  command: [x]\n", ["communication"]),
            ("YAML alias bomb", YamlAliasBomb(), ["alias", "too large", "too many"]),
            ("YAML nested 10000 deep", new string('[', 10000) + new string(']', 10000) + "\n", ["YAML", "deep", "depth", "object"]),
            ("YAML complex key", "? [a, b]\n: value\nname: bad-key\n", ["key", "YAML"]),
        };
        foreach (var (label, body, mentions) in specs)
            yield return new(EtlSpecs, $"ETL init: {label}", _ => RawRequest.Of("PUT", "/v1/etl", body), 400, mentions);
    }

    /// <summary>Nine levels of nine aliases each: a few hundred bytes that would expand to 9^9 values.</summary>
    private static string YamlAliasBomb()
    {
        var text = new StringBuilder("name: alias-bomb\nruntime:\n  command: [x]\nenv:\n  a0: &a0 [x,x,x,x,x,x,x,x,x]\n");
        for (var i = 1; i < 9; i++)
            text.Append($"  a{i}: &a{i} [{string.Join(',', Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        return text.ToString();
    }

    private static IEnumerable<BadInputCase> JobCases()
    {
        yield return new(JobSpecs, "job: cut JSON", _ => RawRequest.Of("POST", "/v1/jobs/etl", "{\"etl\":\"x"), 400, "JSON");
        yield return new(JobSpecs, "job: JSON array", _ => RawRequest.Of("POST", "/v1/jobs/etl", "[]"), 400, "JSON");
        yield return new(JobSpecs, "job: etl is a number", _ => RawRequest.Of("POST", "/v1/jobs/etl", "{\"etl\":5}", ("Content-Type", "application/json")), 400, "etl");
        yield return new(JobSpecs, "job: no body", _ => RawRequest.Of("POST", "/v1/jobs/etl", ""), 400, "body");
        yield return new(JobSpecs, "job: unknown mode",
            s => RawRequest.Of("POST", "/v1/jobs/etl", $"{{\"etl\":\"no-such-etl\",\"from_bucket\":\"{s.Bucket}\",\"to_bucket\":\"{s.OtherBucket}\",\"mode\":\"explode\"}}",
                ("Content-Type", "application/json")), 400, "mode");
        yield return new(JobSpecs, "job: traversal in a source name",
            s => RawRequest.Of("POST", "/v1/jobs/etl", $"{{\"etl\":\"no-such-etl\",\"from_bucket\":\"{s.Bucket}\",\"to_bucket\":\"{s.OtherBucket}\",\"names\":[\"../../{s.Marker}\"]}}",
                ("Content-Type", "application/json")), 400, "'..'");
        yield return new(JobSpecs, "job: traversal in the destination bucket",
            s => RawRequest.Of("POST", "/v1/jobs/etl", $"{{\"etl\":\"no-such-etl\",\"from_bucket\":\"{s.Bucket}\",\"to_bucket\":\"../tmp\"}}",
                ("Content-Type", "application/json")), 400, "bucket name");
        yield return new(JobSpecs, "copy: cut JSON", _ => RawRequest.Of("POST", "/v1/etl/no-such-etl/copy", "{\"from\":"), 400, "JSON");
        yield return new(JobSpecs, "copy: no 'to'", s => RawRequest.Of("POST", "/v1/etl/no-such-etl/copy", $"{{\"from\":\"{s.Bucket}/{s.Object1K}\"}}",
            ("Content-Type", "application/json")), 400, "to");
        yield return new(JobSpecs, "copy: traversal in 'to'", s => RawRequest.Of("POST", "/v1/etl/no-such-etl/copy",
            $"{{\"from\":\"{s.Bucket}/{s.Object1K}\",\"to\":\"{s.OtherBucket}/../../{s.Marker}\"}}", ("Content-Type", "application/json")), 400, "'..'");
    }

    private static IEnumerable<BadInputCase> SigV4Cases()
    {
        RawRequest Get(BadInputSeed s) => RawRequest.Of("GET", $"/{s.Bucket}/{s.Object1K}");
        RawRequest Put(BadInputSeed s) => RawRequest.Of("PUT", $"/{s.Bucket}/sig-{s.Marker}", "signed body");
        var now = () => DateTimeOffset.UtcNow;
        yield return new(SigV4, "GET signed with the wrong secret", s => RawS3Signer.Sign(Get(s), s.Host, s.AccessKey, "wrong-secret"), 403, "signature");
        yield return new(SigV4, "PUT signed with the wrong secret", s => RawS3Signer.Sign(Put(s), s.Host, s.AccessKey, "wrong-secret"), 403, "signature");
        yield return new(SigV4, "unknown access key", s => RawS3Signer.Sign(Put(s), s.Host, "NOSUCHKEY", s.SecretKey), 403, "access key");
        yield return new(SigV4, "wrong region", s => RawS3Signer.Sign(Put(s), s.Host, s.AccessKey, s.SecretKey, region: "eu-west-9"), 400, "region");
        yield return new(SigV4, "signed an hour ago", s => RawS3Signer.Sign(Put(s), s.Host, s.AccessKey, s.SecretKey, at: now().AddHours(-1)), 403, "time");
        yield return new(SigV4, "signed an hour ahead", s => RawS3Signer.Sign(Put(s), s.Host, s.AccessKey, s.SecretKey, at: now().AddHours(1)), 403, "time");
        yield return new(SigV4, "Host not among the signed headers",
            s => RawS3Signer.Sign(Put(s), s.Host, s.AccessKey, s.SecretKey, signedHeadersOverride: "x-amz-content-sha256;x-amz-date"), 400, "Host");
        yield return new(SigV4, "signed for another key (replayed on a different path)",
            s => RawS3Signer.Sign(Put(s), s.Host, s.AccessKey, s.SecretKey) with { Target = $"/{s.Bucket}/replayed-{s.Marker}" }, 403, "signature");
        yield return new(SigV4, "signed for GET, sent as DELETE",
            s => RawS3Signer.Sign(Get(s), s.Host, s.AccessKey, s.SecretKey) with { Method = "DELETE" }, 403, "signature");
        yield return new(SigV4, "body hash that is not the body's",
            s => RawS3Signer.Sign(Put(s), s.Host, s.AccessKey, s.SecretKey, payloadHash: OrleansAis.Silo.Http.S3.Auth.SigV4.EmptySha256), 400, "sha256", "SHA-256");
        yield return new(SigV4, "body hash that is not hex",
            s => RawS3Signer.Sign(Put(s), s.Host, s.AccessKey, s.SecretKey, payloadHash: "not-a-hash"), 400, "x-amz-content-sha256");
        yield return new(SigV4, "Authorization without Signature",
            s => Put(s) with { Headers = [.. Put(s).Headers, ("x-amz-date", "20250101T000000Z"), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
                ("Authorization", $"AWS4-HMAC-SHA256 Credential={s.AccessKey}/20250101/us-east-1/s3/aws4_request, SignedHeaders=host")] }, 400, "Signature");
        yield return new(SigV4, "credential that is not a scope",
            s => Put(s) with { Headers = [.. Put(s).Headers, ("x-amz-date", "20250101T000000Z"), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
                ("Authorization", "AWS4-HMAC-SHA256 Credential=justakey, SignedHeaders=host, Signature=00")] }, 403, "credential", "time");
        yield return new(SigV4, "x-amz-date that is not a time",
            s => Put(s) with { Headers = [.. Put(s).Headers, ("x-amz-date", "yesterday"), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
                ("Authorization", $"AWS4-HMAC-SHA256 Credential={s.AccessKey}/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00")] }, 403, "time");
        yield return new(SigV4, "Signature Version 2 header",
            s => Put(s) with { Headers = [.. Put(s).Headers, ("Authorization", $"AWS {s.AccessKey}:c2lnbmF0dXJl")] }, 400, "AWS4-HMAC-SHA256");
        yield return new(SigV4, "Bearer token", s => Put(s) with { Headers = [.. Put(s).Headers, ("Authorization", "Bearer abc.def")] }, 400, "Authorization");
        yield return new(SigV4, "presigned URL expiring after 0 s",
            s => RawRequest.Of("GET", $"/{s.Bucket}/{s.Object1K}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={s.AccessKey}%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires=0&X-Amz-SignedHeaders=host&X-Amz-Signature=00"),
            400, "X-Amz-Expires");
        yield return new(SigV4, "presigned URL without a signature",
            s => RawRequest.Of("GET", $"/{s.Bucket}/{s.Object1K}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={s.AccessKey}%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"),
            null, "X-Amz-Signature", "expired");
        yield return new(SigV4, "presigned URL long expired",
            s => RawRequest.Of("GET", $"/{s.Bucket}/{s.Object1K}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={s.AccessKey}%2F20200101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00"),
            403, "expired");
        yield return new(SigV4, "Signature Version 2 presigned URL",
            s => RawRequest.Of("GET", $"/{s.Bucket}/{s.Object1K}?AWSAccessKeyId={s.AccessKey}&Expires=9999999999&Signature=abc"), 400, "AWS4-HMAC-SHA256");
        yield return new(SigV4, "aws-chunked signed body from an anonymous caller",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/sig-{s.Marker}", "0;chunk-signature=00\r\n\r\n", ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
                ("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", "0")), 403, "signed");
        yield return new(SigV4, "Content-MD5 that is not the body's",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/sig-{s.Marker}", "body", ("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")), 400, "Content-MD5");
        yield return new(SigV4, "Content-MD5 that is not base64",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/sig-{s.Marker}", "body", ("Content-MD5", "!!not-base64!!")), 400, "Content-MD5");
    }

    private static IEnumerable<BadInputCase> ActionCases()
    {
        yield return new(Actions, "AIS PATCH an object", s => RawRequest.Of("PATCH", $"/v1/objects/{s.Bucket}/{s.Object1K}", "x"), 404, "no endpoint for PATCH");
        yield return new(Actions, "AIS POST a bucket", s => RawRequest.Of("POST", $"/v1/buckets/{s.Bucket}", "{}"), 404, "no endpoint for POST");
        yield return new(Actions, "AIS unknown path under /v1", _ => RawRequest.Of("GET", "/v1/frobnicate"), 404, "/v1/frobnicate");
        yield return new(Actions, "AIS unknown ETL verb", _ => RawRequest.Of("POST", "/v1/etl/no-such-etl/explode"), 404, "explode");
        yield return new(Actions, "AIS GET through a pipeline with a bad stage name",
            s => RawRequest.Of("GET", $"/v1/objects/{s.Bucket}/{s.Object1K}?etl_pipeline=no-such-etl,Bad_Stage"), 400, "stage 2 of 2");
        yield return new(Actions, "AIS GET through a pipeline of unknown ETLs (AIS spelling)",
            s => RawRequest.Of("GET", $"/v1/objects/{s.Bucket}/{s.Object1K}?etl_name=no-such-etl%3E%3Eno-such-etl&proxy=true"), 404, "stage 1 of 2");
        yield return new(Actions, "AIS GET with both etl_name and etl_pipeline",
            s => RawRequest.Of("GET", $"/v1/objects/{s.Bucket}/{s.Object1K}?etl_name=no-such-etl&etl_pipeline=no-such-etl"), 400, "etl_pipeline");
        yield return new(Actions, "job: both etl and pipeline",
            s => RawRequest.Of("POST", "/v1/jobs/etl", $"{{\"etl\":\"no-such-etl\",\"pipeline\":[\"no-such-etl\"],\"from_bucket\":\"{s.Bucket}\",\"to_bucket\":\"{s.OtherBucket}\"}}",
                ("Content-Type", "application/json")), 400, "exactly one");
        yield return new(Actions, "AIS stop an unknown ETL", _ => RawRequest.Of("POST", "/v1/etl/no-such-etl/stop"), 404, "no-such-etl");
        yield return new(Actions, "AIS abort an unknown job", _ => RawRequest.Of("POST", "/v1/jobs/job-nosuch/abort"), 404, "job-nosuch");
        yield return new(Actions, "AIS list with page_size=0", s => RawRequest.Of("GET", $"/v1/buckets/{s.Bucket}?page_size=0"), 400, "page_size");
        yield return new(Actions, "AIS delete a bucket with force=maybe", s => RawRequest.Of("DELETE", $"/v1/buckets/{s.Bucket}?force=maybe"), 400, "force");
        yield return new(Actions, "AIS delete a bucket that is not empty", s => RawRequest.Of("DELETE", $"/v1/buckets/{s.OtherBucket}"), 409, "not empty");
        yield return new(Actions, "AIS create a bucket that exists", s => RawRequest.Of("PUT", $"/v1/buckets/{s.Bucket}"), 409, "exists");
        yield return new(Actions, "AIS create a bucket with a malformed JSON body", s => RawRequest.Of("PUT", $"/v1/buckets/new-{s.Marker}", "{properties"), 400, "properties");
        yield return new(Actions, "AIS PUT into a bucket that does not exist", s => RawRequest.Of("PUT", $"/v1/objects/no-such-bucket-{s.Marker}/x", "x"), 404, "no-such-bucket");
        yield return new(Actions, "AIS inline ETL that does not exist", s => RawRequest.Of("GET", $"/v1/objects/{s.Bucket}/{s.Object1K}?proxy=true&etl_name=no-such-etl"), 404, "no-such-etl");
        yield return new(Actions, "AIS inline ETL with a bad name", s => RawRequest.Of("GET", $"/v1/objects/{s.Bucket}/{s.Object1K}?proxy=true&etl_name=..%2f..%2fetc"), 400, "name");
        yield return new(Actions, "AIS transformer endpoint with a forged secret", s => RawRequest.Of("GET", $"/v1/etl/_object/no-such-etl/forged/{s.Bucket}/{s.Object1K}"), 403, "transformer");
        yield return new(Actions, "AIS direct put with a forged secret", s => RawRequest.Of("PUT", $"/v1/etl/_object/no-such-etl/forged/{s.Bucket}/dp-{s.Marker}", "x"), 403, "transformer");
        yield return new(Actions, "S3 POST an object without a subresource", s => RawRequest.Of("POST", $"/{s.Bucket}/{s.Object1K}", "x"), 405, "POST");
        yield return new(Actions, "S3 PATCH a bucket", s => RawRequest.Of("PATCH", $"/{s.Bucket}", "x"), 405, "PATCH");
        yield return new(Actions, "S3 DELETE the service", _ => RawRequest.Of("DELETE", "/"), 405, "DELETE");
        yield return new(Actions, "S3 complete an upload that does not exist",
            s => RawRequest.Of("POST", $"/{s.Bucket}/mp-{s.Marker}?uploadId=no-such-upload", "<CompleteMultipartUpload></CompleteMultipartUpload>"), 404, "no-such-upload");
        yield return new(Actions, "S3 upload a part to an upload that does not exist",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/mp-{s.Marker}?uploadId=no-such-upload&partNumber=1", "part"), 404, "no-such-upload");
        yield return new(Actions, "S3 upload part number 0",
            s => RawRequest.Of("PUT", $"/{s.Bucket}/mp-{s.Marker}?uploadId=no-such-upload&partNumber=0", "part"), 400, "partNumber", "part number");
        yield return new(Actions, "S3 multi-delete with malformed XML", s => RawRequest.Of("POST", $"/{s.Bucket}?delete", "<Delete><Object><Key>"), 400, "XML");
        yield return new(Actions, "S3 multi-delete with a DTD (entity expansion)",
            s => RawRequest.Of("POST", $"/{s.Bucket}?delete", $"<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY e \"{s.Object1K}\">]><Delete><Object><Key>&e;</Key></Object></Delete>"),
            400, "XML", "DTD");
        yield return new(Actions, "S3 list with max-keys=-1", s => RawRequest.Of("GET", $"/{s.Bucket}?max-keys=-1"), 400, "max-keys");
        yield return new(Actions, "S3 list with encoding-type=base64", s => RawRequest.Of("GET", $"/{s.Bucket}?encoding-type=base64"), 400, "encoding-type");
        yield return new(Actions, "S3 list v2 with a forged continuation token", s => RawRequest.Of("GET", $"/{s.Bucket}?list-type=2&continuation-token=forged"), 400, "continuation token");
        yield return new(Actions, "S3 delete a bucket that is not empty", s => RawRequest.Of("DELETE", $"/{s.OtherBucket}"), 409, "not empty");
        yield return new(Actions, "S3 PUT into a bucket that does not exist", s => RawRequest.Of("PUT", $"/no-such-bucket-{s.Marker}/x", "x"), 404, "no-such-bucket");
    }
}
