using System.Reflection;
using System.Text.RegularExpressions;

namespace NeuralTheory.Lab.Experiments;

/// <summary>
/// The experiments <c>reproduce</c> knows: every concrete <see cref="IExperiment"/> with a public parameterless
/// constructor in an assembly, with unique kebab-case names, sorted by name.
/// </summary>
public sealed partial class ExperimentRegistry
{
    /// <summary>Builds a registry from explicit experiments.</summary>
    /// <exception cref="InvalidOperationException">A name is not kebab-case, is the reserved <c>all</c>, or appears twice.</exception>
    public ExperimentRegistry(IEnumerable<IExperiment> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        var list = experiments.ToList();
        foreach (var e in list.Where(e => e.Name is null || !NamePattern().IsMatch(e.Name)))
            throw new InvalidOperationException($"{e.GetType().FullName} has name '{e.Name}', which is not kebab-case (e.g. icl-layers).");
        foreach (var e in list.Where(e => e.Name == ReservedName))
            throw new InvalidOperationException($"{e.GetType().FullName} has name '{ReservedName}', which is reserved for running every experiment.");
        var duplicate = list.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"Experiment name '{duplicate.Key}' is declared more than once.");
        Experiments = list.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The name <c>reproduce</c> uses for every experiment at once; no experiment may take it.</summary>
    public const string ReservedName = "all";

    /// <summary>All experiments, sorted by name.</summary>
    public IReadOnlyList<IExperiment> Experiments { get; }

    /// <summary>The registry of the Lab's own experiments.</summary>
    public static ExperimentRegistry Default { get; } = Discover(typeof(ExperimentRegistry).Assembly);

    /// <summary>Finds and instantiates every concrete <see cref="IExperiment"/> in <paramref name="assembly"/>.</summary>
    /// <exception cref="InvalidOperationException">An experiment has no public parameterless constructor, or names are invalid.</exception>
    public static ExperimentRegistry Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var experiments = new List<IExperiment>();
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IExperiment).IsAssignableFrom(t)))
        {
            if (type.GetConstructor(Type.EmptyTypes) is null)
                throw new InvalidOperationException($"Experiment {type.FullName} needs a public parameterless constructor.");
            experiments.Add((IExperiment)Activator.CreateInstance(type)!);
        }
        return new ExperimentRegistry(experiments);
    }

    /// <summary>The experiment called <paramref name="name"/> (ordinal), or null.</summary>
    public IExperiment? Find(string name) => Experiments.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal));

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
