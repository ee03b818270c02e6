using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Experiments;

namespace NeuralTheory.Lab.Tests;

/// <summary>A test double: writes one text file after two progress reports, or throws.</summary>
internal sealed class FakeExperiment(string name, bool fails = false) : IExperiment
{
    public string Name => name;
    public string Description => "test double";
    public int Runs { get; private set; }

    public void Run(ExperimentContext context)
    {
        Runs++;
        context.Report(0.5, "half way");
        if (fails) throw new InvalidOperationException("fails on purpose");
        context.WriteText($"{name}.md", $"# {name}\n");
        context.Report(1, "done");
    }
}

public class ReproduceAllTests
{
    private static (int Exit, string Output) Run(ExperimentRegistry registry, params string[] args)
    {
        var captured = new CapturedConsole();
        var root = LabApp.BuildRootCommand(captured.Console, new CheckRegistry([]), registry);
        int exit = root.Parse(args).Invoke();
        return (exit, captured.Text);
    }

    [Fact]
    public void All_runs_every_experiment_into_its_own_folder()
    {
        using var dir = new TempDirectory();
        var a = new FakeExperiment("alpha");
        var b = new FakeExperiment("beta");
        var (exit, output) = Run(new ExperimentRegistry([b, a]), "reproduce", "all", "--out", dir.Path);
        Assert.True(exit == 0, output);
        Assert.Equal(1, a.Runs);
        Assert.Equal(1, b.Runs);
        Assert.True(File.Exists(Path.Combine(dir.Path, "alpha", "alpha.md")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "beta", "beta.md")));
        Assert.Contains("2 of 2 experiments finished", output);
    }

    [Fact]
    public void All_goes_on_after_a_failure_and_exits_1()
    {
        using var dir = new TempDirectory();
        var a = new FakeExperiment("alpha", fails: true);
        var b = new FakeExperiment("beta");
        var (exit, output) = Run(new ExperimentRegistry([a, b]), "reproduce", "all", "--out", dir.Path);
        Assert.Equal(1, exit);
        Assert.Equal(1, b.Runs);
        Assert.Contains("experiment 'alpha' failed", output);
        Assert.Contains("fails on purpose", output);
        Assert.Contains("1 of 2 experiments finished", output);
        Assert.True(File.Exists(Path.Combine(dir.Path, "beta", "beta.md")));
    }

    [Fact]
    public void All_is_a_reserved_experiment_name()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new ExperimentRegistry([new FakeExperiment("all")]));
        Assert.Contains("reserved", ex.Message);
    }
}
