using System.Reflection;

namespace NeuralTheory.Lab.Checks;

/// <summary>
/// The set of checks <c>verify</c> runs: every concrete <see cref="Check"/> with a public parameterless constructor in
/// an assembly, validated (well-formed, unique ids) and sorted by id (ordinal).
/// </summary>
public sealed class CheckRegistry
{
    /// <summary>Builds a registry from explicit checks.</summary>
    /// <exception cref="InvalidOperationException">An id is malformed or appears twice.</exception>
    public CheckRegistry(IEnumerable<Check> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var list = checks.ToList();
        foreach (var c in list)
        {
            if (!Check.IsWellFormedId(c.Id))
                throw new InvalidOperationException(
                    $"{c.GetType().FullName} has id '{c.Id}', which is not of the form area.name (lower-case letters, digits, single hyphens).");
            if (string.IsNullOrWhiteSpace(c.Claim) || string.IsNullOrWhiteSpace(c.Source))
                throw new InvalidOperationException($"{c.GetType().FullName} ('{c.Id}') must state its claim and its source.");
        }
        var duplicate = list.GroupBy(c => c.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException(
                $"Check id '{duplicate.Key}' is declared by more than one class: {string.Join(", ", duplicate.Select(c => c.GetType().FullName))}.");
        Checks = list.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>All checks, sorted by id.</summary>
    public IReadOnlyList<Check> Checks { get; }

    /// <summary>The registry of the Lab's own checks.</summary>
    public static CheckRegistry Default { get; } = Discover(typeof(CheckRegistry).Assembly);

    /// <summary>Finds and instantiates every concrete <see cref="Check"/> in <paramref name="assembly"/>.</summary>
    /// <exception cref="InvalidOperationException">A check has no public parameterless constructor, or ids are invalid.</exception>
    public static CheckRegistry Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var checks = new List<Check>();
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Check).IsAssignableFrom(t)))
        {
            if (type.GetConstructor(Type.EmptyTypes) is null)
                throw new InvalidOperationException($"Check {type.FullName} needs a public parameterless constructor.");
            checks.Add((Check)Activator.CreateInstance(type)!);
        }
        return new CheckRegistry(checks);
    }

    /// <summary>The checks whose id starts with <paramref name="prefix"/> (ordinal); all checks when it is null or empty.</summary>
    public IReadOnlyList<Check> WithPrefix(string? prefix) =>
        string.IsNullOrEmpty(prefix) ? Checks : Checks.Where(c => c.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
}
