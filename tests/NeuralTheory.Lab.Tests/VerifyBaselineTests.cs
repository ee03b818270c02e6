using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Experiments;

namespace NeuralTheory.Lab.Tests;

/// <summary><c>verify --baseline</c>: the determinism check against a previous run's results.json.</summary>
public class VerifyBaselineTests
{
    private static (int Exit, string Output) Run(params string[] args)
    {
        var captured = new CapturedConsole();
        var root = LabApp.BuildRootCommand(captured.Console, new CheckRegistry([new PassingFakeCheck(), new FakeCheck("fake.other")]), new ExperimentRegistry([]));
        int exit = root.Parse(args).Invoke();
        return (exit, captured.Text);
    }

    [Fact]
    public void A_repeat_run_is_bit_identical_to_its_baseline()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        Assert.Equal(0, Run("verify", "--only", "fake.passes", "--out", first.Path).Exit);
        var (exit, output) = Run("verify", "--only", "fake.passes", "--out", second.Path, "--baseline", Path.Combine(first.Path, "results.json"));
        Assert.True(exit == 0, output);
        Assert.Contains("Determinism: 1 of 1 measured values are bit-identical", output);
    }

    [Fact]
    public void A_value_that_differs_in_the_last_bit_fails()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        Assert.Equal(0, Run("verify", "--only", "fake.passes", "--out", first.Path).Exit);
        string path = Path.Combine(first.Path, "results.json");
        // PassingFakeCheck measures exactly 1; the next double above 1 differs in the last bit only.
        string text = File.ReadAllText(path);
        Assert.Contains("\"measured\": 1,", text);
        File.WriteAllText(path, text.Replace("\"measured\": 1,", "\"measured\": 1.0000000000000002,"));
        var (exit, output) = Run("verify", "--only", "fake.passes", "--out", second.Path, "--baseline", path);
        Assert.Equal(1, exit);
        Assert.Contains("fake.passes", output);
        Assert.Contains("not bit-identical", output);
    }

    [Fact]
    public void A_missing_or_malformed_baseline_is_a_usage_error()
    {
        using var dir = new TempDirectory();
        var (exit, output) = Run("verify", "--only", "fake.passes", "--out", dir.Path, "--baseline", Path.Combine(dir.Path, "nope.json"));
        Assert.Equal(2, exit);
        Assert.Contains("No results file", output);
        string bad = Path.Combine(dir.Path, "bad.json");
        File.WriteAllText(bad, "{ \"nothing\": 1 }");
        (exit, output) = Run("verify", "--only", "fake.passes", "--out", dir.Path, "--baseline", bad);
        Assert.Equal(2, exit);
        Assert.Contains("not a results.json", output);
    }
}
