using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using NeuralTheory.Lab.Verification;

namespace NeuralTheory.Lab.Reporting;

/// <summary>
/// Writes <c>results.json</c>, a contract that scripts read:
/// <code>
/// {"checks":[{"id","area","claim","source","measured","expected","tolerance","passed","seconds"}],
///  "environment":{"os","dotnet","torchSharp","libtorch","device","threads","seed","timestampUtc","machineCores"}}
/// </code>
/// <c>measured</c>, <c>expected</c>, <c>tolerance</c> and <c>seconds</c> are JSON numbers written round-trip exact;
/// a NaN or infinite value (JSON has none) is written as <c>null</c> — e.g. a check that threw has null
/// measured/expected/tolerance and <c>"passed": false</c>. <c>libtorch</c> is null when unknown; the timestamp is
/// ISO 8601 UTC.
/// </summary>
public static class ResultsJson
{
    /// <summary>The file name inside the report directory.</summary>
    public const string FileName = "results.json";

    /// <summary>Renders the document.</summary>
    public static string Render(IReadOnlyList<CheckOutcome> outcomes, EnvironmentInfo environment)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(environment);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("checks");
            foreach (var o in outcomes)
            {
                w.WriteStartObject();
                w.WriteString("id", o.Id);
                w.WriteString("area", o.Area);
                w.WriteString("claim", o.Claim);
                w.WriteString("source", o.Source);
                WriteNumber(w, "measured", o.Result.Measured);
                WriteNumber(w, "expected", o.Result.Expected);
                WriteNumber(w, "tolerance", o.Result.Tolerance);
                w.WriteBoolean("passed", o.Result.Passed);
                WriteNumber(w, "seconds", o.Result.Seconds);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("environment");
            w.WriteString("os", environment.Os);
            w.WriteString("dotnet", environment.DotNet);
            w.WriteString("torchSharp", environment.TorchSharp);
            if (environment.Libtorch is null) w.WriteNull("libtorch"); else w.WriteString("libtorch", environment.Libtorch);
            w.WriteString("device", environment.Device);
            w.WriteNumber("threads", environment.Threads);
            w.WriteNumber("seed", environment.Seed);
            w.WriteString("timestampUtc", environment.TimestampUtc.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            w.WriteNumber("machineCores", environment.MachineCores);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    /// <summary>Writes the document to <c><paramref name="outputDirectory"/>/results.json</c>; returns the full path.</summary>
    public static string Write(string outputDirectory, IReadOnlyList<CheckOutcome> outcomes, EnvironmentInfo environment)
    {
        Directory.CreateDirectory(outputDirectory);
        string path = Path.Combine(outputDirectory, FileName);
        File.WriteAllText(path, Render(outcomes, environment));
        return path;
    }

    /// <summary>
    /// Reads the measured value of every check in a <c>results.json</c> written by <see cref="Write"/> (null stands for a
    /// non-finite value and reads back as NaN). Numbers are written in their shortest round-trip form, so the values
    /// read are bit-identical to those written.
    /// </summary>
    /// <exception cref="ArgumentException">The file does not exist or is not such a document.</exception>
    public static IReadOnlyDictionary<string, double> ReadMeasured(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new ArgumentException($"No results file at '{path}'.", nameof(path));
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var result = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var check in doc.RootElement.GetProperty("checks").EnumerateArray())
            {
                var measured = check.GetProperty("measured");
                result[check.GetProperty("id").GetString()!] = measured.ValueKind == JsonValueKind.Null ? double.NaN : measured.GetDouble();
            }
            return result;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ArgumentException($"'{path}' is not a results.json written by verify: {ex.Message}", nameof(path), ex);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumber(name, value);
        else writer.WriteNull(name);
    }
}
