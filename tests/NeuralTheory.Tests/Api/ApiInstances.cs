using System.Reflection;
using NeuralTheory.Attention;
using NeuralTheory.Numerics.Regression;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Api;

/// <summary>
/// Small valid instances of the library's own types (receivers of instance methods and arguments of other members):
/// every public constructor or public static factory returning the type is tried with the argument search of
/// <see cref="ApiProbe.FindBaseline"/>; abstract types and interfaces use their public implementations. A type for
/// which nothing works gets a reason in <see cref="Failures"/>.
/// </summary>
internal static class ApiInstances
{
    public static readonly Assembly[] Library = [typeof(LinearSelfAttention).Assembly, typeof(LeastSquares).Assembly];

    private static readonly Dictionary<Type, IReadOnlyList<Sample>> Cache = [];
    private static readonly HashSet<Type> InProgress = [];

    /// <summary>Why a type has no instance (for the not-exercised list).</summary>
    public static readonly Dictionary<Type, string> Failures = [];

    private const int MaxDepth = 3;

    public static IReadOnlyList<Sample> For(Type type, int depth)
    {
        if (Cache.TryGetValue(type, out var cached)) return cached;
        if (depth > MaxDepth || InProgress.Contains(type)) return [];
        InProgress.Add(type);
        try
        {
            var found = Build(type, depth);
            Cache[type] = found;
            return found;
        }
        finally
        {
            InProgress.Remove(type);
        }
    }

    private static IReadOnlyList<Sample> Build(Type type, int depth)
    {
        // TorchSharp's module types: a float64 Linear(2, 2) stands in for "any module".
        if (type.IsAssignableFrom(typeof(TorchSharp.Modules.Linear)) && type != typeof(object))
            return [new Sample("Linear(2,2)", () => nn.Linear(2, 2, dtype: ScalarType.Float64))];

        if (Explicit.TryGetValue(type, out var given)) return given;
        var results = new List<Sample>();
        var reasons = new List<string>();
        var concrete = type.IsAbstract || type.IsInterface
            ? Library.SelectMany(a => a.GetExportedTypes()).Where(t => !t.IsAbstract && !t.IsInterface && type.IsAssignableFrom(t)).ToList()
            : Library.Contains(type.Assembly) ? [type] : [];
        {
            foreach (var creator in Creators(type, concrete))
            {
                var ps = creator.GetParameters();
                var cands = ps.Select(p => Samples(p, depth + 1)).ToArray();
                if (cands.Any(c => c.Count == 0))
                {
                    reasons.Add($"{Name(creator)}: no sample for {string.Join(", ", ps.Where((_, i) => cands[i].Count == 0).Select(p => p.ParameterType.Name))}");
                    continue;
                }
                var (idx, ok, last) = ApiProbe.FindBaseline(creator, null, cands, maxAttempts: 40);
                if (!ok)
                {
                    reasons.Add($"{Name(creator)}: {last.Describe()}");
                    continue;
                }
                var makers = ps.Select((_, i) => cands[i][idx[i]].Make).ToArray();
                results.Add(new Sample($"{Name(creator)}", () =>
                    creator is ConstructorInfo c ? c.Invoke(makers.Select(m => m()).ToArray()) : creator.Invoke(null, makers.Select(m => m()).ToArray())));
                if (results.Count >= 3) break;
            }
        }
        if (results.Count == 0)
            Failures[type] = reasons.Count == 0 ? "no public constructor or factory" : string.Join("; ", reasons.Take(3));
        return results;
    }

    /// <summary>The samples for parameter <paramref name="p"/>: its default value first when it is optional.</summary>
    public static IReadOnlyList<Sample> Samples(ParameterInfo p, int depth)
    {
        var list = ApiSamples.Candidates(p.ParameterType, depth);
        // A parameter annotated nullable (T?) may legitimately be null: try that among its candidates.
        if (!p.ParameterType.IsValueType && !(p.HasDefaultValue && p.DefaultValue is null)
            && new NullabilityInfoContext().Create(p).WriteState == NullabilityState.Nullable)
            list = [new Sample("null", () => null), .. list];
        if (p.HasDefaultValue && p.DefaultValue is not DBNull && p.DefaultValue is not Missing)
        {
            var value = p.DefaultValue;
            if (value is not null && p.ParameterType.IsEnum) value = Enum.ToObject(p.ParameterType, value);
            return [new Sample("default", () => value), .. list];
        }
        return list;
    }

    /// <summary>
    /// Ways to get a <paramref name="type"/>: constructors of the concrete types, then public static methods and
    /// property getters returning it (on the type itself first, then anywhere in the library: results such as
    /// <c>IterativeSolution</c> come from the algorithm that computes them).
    /// </summary>
    private static IEnumerable<MethodBase> Creators(Type type, List<Type> concrete)
    {
        foreach (var t in concrete)
            foreach (var c in t.GetConstructors().OrderBy(c => c.GetParameters().Length))
                yield return c;
        var statics = Library.SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => !m.IsGenericMethodDefinition && type.IsAssignableFrom(m.ReturnType) && m.ReturnType != typeof(object)
                && (!m.IsSpecialName || m.Name.StartsWith("get_", StringComparison.Ordinal)))
            .OrderBy(m => m.DeclaringType == type || concrete.Contains(m.DeclaringType!) ? 0 : 1)
            .ThenBy(m => m.GetParameters().Length)
            .ThenBy(m => m.DeclaringType!.FullName, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal);
        foreach (var m in statics)
            yield return m;
    }

    /// <summary>Hand-made instances where the generic search would pick something too slow to call thousands of times (training runs).</summary>
    private static readonly Dictionary<Type, IReadOnlyList<Sample>> Explicit = new()
    {
        [typeof(NeuralTheory.PolicyEvaluation.MultiTaskTdOptions)] =
            [new("tiny MultiTaskTdOptions", () => new NeuralTheory.PolicyEvaluation.MultiTaskTdOptions { Tasks = 2, MinibatchesPerTask = 1, BatchSize = 2 })],
        // TD models for d = 2 features and n = 2 transitions in float64, matching ApiOverrides' TD prompts.
        [typeof(NeuralTheory.PolicyEvaluation.TdStepSizeModel)] =
            [new("TdStepSizeModel(2, 2, 1)", () => new NeuralTheory.PolicyEvaluation.TdStepSizeModel(2, 2, 1, 0.5, ScalarType.Float64))],
        [typeof(NeuralTheory.PolicyEvaluation.TdTransformer)] =
            [new("TdZeroConstruction.Build(2, 2, 1)", () => NeuralTheory.PolicyEvaluation.Constructions.TdZeroConstruction.Build(2, 2, 1, 0.5, dtype: ScalarType.Float64))],
        [typeof(NeuralTheory.PolicyEvaluation.ITdValueModel)] =
            [new("TdStepSizeModel(2, 2, 1)", () => new NeuralTheory.PolicyEvaluation.TdStepSizeModel(2, 2, 1, 0.5, ScalarType.Float64))],
        // A dense-output interpolant comes only from a step of the adaptive integrator.
        [typeof(NeuralTheory.Numerics.Ode.DenseOutput)] =
        [
            new("AdaptiveIntegrator.Step(Dopri5, y' = -y).Interpolant", () =>
            {
                var y0 = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense([1.0, 0.5]);
                return NeuralTheory.Numerics.Ode.AdaptiveIntegrator.Step(NeuralTheory.Numerics.Ode.ButcherTableau.Dopri5, (_, y) => -y, 0, y0, -y0, 0.1).Interpolant;
            }),
        ],
        [typeof(InContextTrainingOptions)] = [new("tiny InContextTrainingOptions", () => new InContextTrainingOptions { Steps = 2, BatchSize = 2 })],
    };

    public static string Name(MethodBase m) => $"{m.DeclaringType!.Name}.{(m is ConstructorInfo ? "ctor" : m.Name)}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name + " " + p.Name))})";
}
