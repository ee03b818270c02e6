namespace NeuralTheory.Lab.Experiments;

/// <summary>
/// A long experiment that reproduces a paper's figure or table (minutes, not seconds), run by
/// <c>reproduce NAME</c>. It reports progress through its context and writes its figures and data files under
/// <see cref="ExperimentContext.OutputDirectory"/>. Implementations need a public parameterless constructor so that
/// <see cref="ExperimentRegistry"/> finds them; their XML doc cites the paper they reproduce.
/// </summary>
public interface IExperiment
{
    /// <summary>The name on the command line, kebab-case (e.g. <c>icl-layers</c>); never changes once published.</summary>
    string Name { get; }

    /// <summary>What it reproduces, in one sentence, with the paper.</summary>
    string Description { get; }

    /// <summary>Runs the experiment. Throwing reports a failure; the runner catches and prints the message.</summary>
    void Run(ExperimentContext context);
}
