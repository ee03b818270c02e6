using System.Text.Json;
using System.Text.RegularExpressions;

namespace NeuralTheory.Lab.Tests;

public class VerifyCommandTests(VerifyRun run) : IClassFixture<VerifyRun>
{
    private static readonly string[] FoundationIds = ["foundation.bridge-roundtrip", "foundation.torch-loads"];
    private static readonly string[] CheckKeys = ["id", "area", "claim", "source", "measured", "expected", "tolerance", "passed", "seconds"];
    private static readonly string[] EnvironmentKeys = ["os", "dotnet", "torchSharp", "libtorch", "device", "threads", "seed", "timestampUtc", "machineCores"];
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Verify_exits_zero_and_prints_the_table()
    {
        Assert.True(run.Exit == 0, run.Output);
        Assert.All(FoundationIds, id => Assert.Contains(id, run.Output));
        Assert.Contains("2/2 checks passed", run.Output);
    }

    [Fact]
    public void Results_json_has_exactly_the_schema_keys_and_both_foundation_checks_passed()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.OutputDirectory, "results.json")));
        var root = doc.RootElement;
        Assert.Equal(["checks", "environment"], root.EnumerateObject().Select(p => p.Name));

        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(FoundationIds, checks.Select(c => c.GetProperty("id").GetString()));
        foreach (var check in checks)
        {
            Assert.Equal(CheckKeys, check.EnumerateObject().Select(p => p.Name));
            Assert.True(check.GetProperty("passed").GetBoolean());
            Assert.Equal("foundation", check.GetProperty("area").GetString());
            Assert.Equal(JsonValueKind.Number, check.GetProperty("measured").ValueKind);
            Assert.Equal(JsonValueKind.Number, check.GetProperty("expected").ValueKind);
            Assert.Equal(JsonValueKind.Number, check.GetProperty("tolerance").ValueKind);
            Assert.InRange(check.GetProperty("seconds").GetDouble(), 0, 60);
        }
        var torchLoads = checks.Single(c => c.GetProperty("id").GetString() == "foundation.torch-loads");
        Assert.InRange(torchLoads.GetProperty("measured").GetDouble(), 0, 1e-12);

        var environment = root.GetProperty("environment");
        Assert.Equal(EnvironmentKeys, environment.EnumerateObject().Select(p => p.Name));
        Assert.Equal("cpu", environment.GetProperty("device").GetString());
        Assert.Equal(0, environment.GetProperty("seed").GetInt32());
        Assert.True(environment.GetProperty("threads").GetInt32() >= 1);
        Assert.Equal(System.Environment.ProcessorCount, environment.GetProperty("machineCores").GetInt32());
        Assert.Equal("0.107.0", environment.GetProperty("torchSharp").GetString());
        Assert.True(DateTime.TryParse(environment.GetProperty("timestampUtc").GetString(), out _));
    }

    [Fact]
    public void Report_md_mentions_both_ids_and_links_existing_pngs()
    {
        string report = File.ReadAllText(Path.Combine(run.OutputDirectory, "report.md"));
        Assert.All(FoundationIds, id => Assert.Contains(id, report));

        var links = Regex.Matches(report, @"!\[[^\]]*\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(FoundationIds.Select(id => $"figures/{id}.png"), links);
        foreach (string link in links)
        {
            Assert.False(Path.IsPathRooted(link));
            AssertPng(Path.Combine(run.OutputDirectory, link));
        }
    }

    [Fact]
    public void One_png_per_check_under_figures()
    {
        foreach (string id in FoundationIds)
            AssertPng(Path.Combine(run.OutputDirectory, "figures", id + ".png"));
    }

    [Fact]
    public void Only_prefix_runs_only_the_matching_check()
    {
        using var dir = new TempDirectory();
        var (exit, output) = CapturedConsole.Run("verify", "--only", "foundation.torch", "--out", dir.Path);
        Assert.True(exit == 0, output);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "results.json")));
        var check = Assert.Single(doc.RootElement.GetProperty("checks").EnumerateArray());
        Assert.Equal("foundation.torch-loads", check.GetProperty("id").GetString());
        Assert.DoesNotContain("foundation.bridge-roundtrip", output);
        Assert.False(File.Exists(Path.Combine(dir.Path, "figures", "foundation.bridge-roundtrip.png")));
    }

    [Fact]
    public void Only_prefix_without_a_match_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        var (exit, output) = CapturedConsole.Run("verify", "--only", "nope", "--out", dir.Path);
        Assert.NotEqual(0, exit);
        Assert.Contains("no check id starts with 'nope'", output);
        Assert.False(File.Exists(Path.Combine(dir.Path, "results.json")));
    }

    [Fact]
    public void The_seed_reaches_the_environment_block()
    {
        using var dir = new TempDirectory();
        var (exit, output) = CapturedConsole.Run("--seed", "42", "verify", "--only", "foundation.bridge", "--out", dir.Path);
        Assert.True(exit == 0, output);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "results.json")));
        Assert.Equal(42, doc.RootElement.GetProperty("environment").GetProperty("seed").GetInt32());
    }

    private static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"missing figure {path}");
        byte[] head = new byte[PngSignature.Length];
        using (var stream = File.OpenRead(path))
            Assert.Equal(head.Length, stream.Read(head, 0, head.Length));
        Assert.Equal(PngSignature, head);
        Assert.True(new FileInfo(path).Length > 1000, $"{path} is suspiciously small");
    }
}
