namespace NeuralTheory.Lab.Tests;

public class CommandTests
{
    [Fact]
    public void List_shows_the_foundation_checks_and_the_icl_experiments()
    {
        var (exit, output) = CapturedConsole.Run("list");
        Assert.Equal(0, exit);
        Assert.Contains("foundation.torch-loads", output);
        Assert.Contains("foundation.bridge-roundtrip", output);
        Assert.Contains("Higham", output);
        Assert.Contains("icl-layers", output);
        Assert.Contains("icl-preconditioner", output);
        Assert.DoesNotContain("none registered yet", output);
    }

    [Fact]
    public void Doctor_prints_versions_devices_threads_and_the_native_floor()
    {
        var (exit, output) = CapturedConsole.Run("doctor");
        Assert.True(exit == 0, output);
        Assert.Contains("TorchSharp: 0.107.0", output);
        Assert.Contains("threads:", output);
        Assert.Contains("cuda", output);
        if (OperatingSystem.IsLinux())
        {
            string floor = Assert.Single(output.Split('\n'), l => l.StartsWith("native floor:", StringComparison.Ordinal));
            Assert.Contains("GLIBCXX", floor);
            Assert.Contains("weak-need patch", floor);
        }
        else
        {
            Assert.Contains("Linux only", output);
        }
    }

    [Fact]
    public void Reproduce_with_an_unknown_name_fails_and_names_the_available_experiments()
    {
        var (exit, output) = CapturedConsole.Run("reproduce", "unknown-name");
        Assert.NotEqual(0, exit);
        Assert.Contains("unknown experiment 'unknown-name'", output);
        Assert.Contains("Available experiments: euler-acceleration, icl-layers, icl-preconditioner, norm-depth, ode-spiral, resnet-scaling, td-emergence", output);
    }

    [Fact]
    public void Reproduce_list_shows_the_icl_experiments()
    {
        var (exit, output) = CapturedConsole.Run("reproduce", "--list");
        Assert.Equal(0, exit);
        Assert.Contains("icl-layers", output);
        Assert.Contains("icl-preconditioner", output);
        Assert.Contains("arXiv:2212.07677", output);
        Assert.DoesNotContain("none registered yet", output);
    }

    [Fact]
    public void Reproduce_without_a_name_is_an_error()
    {
        var (exit, output) = CapturedConsole.Run("reproduce");
        Assert.NotEqual(0, exit);
        Assert.Contains("needs an experiment name", output);
    }

    // The Lab and its tests reference the CPU libtorch backend only, so CUDA is never available here.
    [Theory]
    [InlineData("verify", "--device", "cuda")]
    [InlineData("--device", "cuda", "verify")]
    [InlineData("verify", "--device", "cuda:1")]
    public void Verify_on_unavailable_cuda_is_a_clear_error_not_a_crash(params string[] args)
    {
        using var dir = new TempDirectory();
        var (exit, output) = CapturedConsole.Run([.. args, "--out", dir.Path]);
        Assert.Equal(2, exit);
        Assert.Contains("error:", output);
        Assert.Contains("CUDA", output);
        Assert.False(File.Exists(Path.Combine(dir.Path, "results.json")));
    }

    [Fact]
    public void Doctor_on_unavailable_cuda_reports_it_and_fails()
    {
        var (exit, output) = CapturedConsole.Run("doctor", "--device", "cuda");
        Assert.Equal(2, exit);
        Assert.Contains("CUDA", output);
    }

    [Fact]
    public void An_unknown_device_name_is_rejected()
    {
        using var dir = new TempDirectory();
        var (exit, output) = CapturedConsole.Run("verify", "--device", "tpu", "--out", dir.Path);
        Assert.NotEqual(0, exit);
        Assert.Contains("'tpu' is not a device", output);
    }

    [Fact]
    public void A_parse_error_is_a_usage_error()
    {
        var (exit, output) = CapturedConsole.Run("verify", "--seed", "not-a-number");
        Assert.Equal(2, exit);
        Assert.Contains("--seed", output);
    }
}
