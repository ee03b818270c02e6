using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Api;

/// <summary>One candidate argument: a label for reports and a factory (called inside the call's dispose scope, so every call gets fresh tensors).</summary>
internal sealed record Sample(string Label, Func<object?> Make);

/// <summary>The kinds of bad input the walk feeds; <see cref="Mismatch"/> is the only kind a member may accept silently (a shape no other argument constrains).</summary>
internal enum BadKind { Null, NaN, PositiveInfinity, Negative, Zero, MinusOne, WrongDtype, RankUp, RankDown, NaNEntry, Empty, UndefinedEnum, Mismatch }

/// <summary>One bad argument for one parameter.</summary>
internal sealed record BadValue(BadKind Kind, Func<object?> Make);

/// <summary>
/// Type-driven valid samples (several candidates per type, tried in order until the member accepts them) and the bad
/// values for a parameter, derived from its valid sample. Library types come from <see cref="ApiInstances"/>.
/// </summary>
internal static class ApiSamples
{
    // Tensor candidate shapes: ranks 1..3, small dims; the search steps through them until the member accepts one.
    private static readonly long[][] TensorShapes =
    [
        [2, 2], [1, 3, 3], [2], [1, 3, 2], [3, 3], [2, 2, 2], [1, 2], [3], [1, 4, 3], [2, 3, 3], [1, 2, 2], [3, 2], [4], [1, 5, 3], [2, 4, 3], [1, 3, 5],
    ];

    // Float32 candidates come last (modules built with their default dtype Float32 take only these).
    private static readonly long[][] Float32Shapes = [[2, 2], [2], [1, 3, 3], [3, 3], [1, 3, 2], [4, 2]];

    /// <summary>A float64 tensor of <paramref name="shape"/>: small seeded entries plus the identity on square trailing dimensions (well conditioned).</summary>
    public static Tensor MakeTensor(long[] shape, ScalarType dtype = ScalarType.Float64)
    {
        using var g = new torch.Generator(7, torch.CPU);
        var t = torch.randn(shape, dtype: ScalarType.Float64, generator: g).mul_(0.1);
        if (shape.Length >= 2 && shape[^1] == shape[^2])
            t.add_(torch.eye(shape[^1], dtype: ScalarType.Float64));
        return dtype == ScalarType.Float64 ? t : t.to(dtype);
    }

    private static Matrix<double> Stochastic(int n)
    {
        var m = Matrix<double>.Build.Dense(n, n, (i, j) => i == j ? 0.5 : 0.5 / (n - 1));
        return n == 1 ? Matrix<double>.Build.Dense(1, 1, 1.0) : m;
    }

    private static Matrix<double> Spd(int n) => Matrix<double>.Build.Dense(n, n, (i, j) => i == j ? 2.0 : 0.25);

    private static Matrix<double> Rect(int r, int c) => Matrix<double>.Build.Dense(r, c, (i, j) => i == j ? 1.0 : 0.1 * (i + 2 * j + 1));

    private static Vector<double> Simplex(int n) => Vector<double>.Build.Dense(n, i => (i + 1.0) / (n * (n + 1) / 2.0));

    /// <summary>Candidates for <paramref name="type"/>; empty when the walk has no sample (the member is then listed as not exercised).</summary>
    public static IReadOnlyList<Sample> Candidates(Type type, int depth)
    {
        var u = Nullable.GetUnderlyingType(type);
        if (u is not null)
            return [new Sample("null", () => null), .. Candidates(u, depth)];
        if (type == typeof(int)) return Values<int>(2, 1, 3, 4, 0, 5, 8);
        if (type == typeof(long)) return Values<long>(2, 1, 3, 4, 0, 5, 8);
        if (type == typeof(double)) return Values(0.5, 0.1, 1.0, 0.9, 2.0, 0.0, 0.01);
        if (type == typeof(float)) return Values(0.5f, 0.1f, 1.0f, 0.9f, 2.0f, 0.0f);
        if (type == typeof(bool)) return Values(false, true);
        if (type == typeof(string)) return Values("x");
        if (type.IsEnum) return Enum.GetValues(type).Cast<object>().Select(v => new Sample(v.ToString()!, () => v)).ToList();
        if (type == typeof(Tensor))
            return TensorShapes.Select(s => new Sample($"tensor[{string.Join(",", s)}]", () => MakeTensor(s)))
                .Concat(Float32Shapes.Select(s => new Sample($"float32[{string.Join(",", s)}]", () => MakeTensor(s, ScalarType.Float32))))
                .ToList();
        if (type == typeof(Matrix<double>))
            return
            [
                new("spd2", () => Spd(2)), new("stoch2", () => Stochastic(2)), new("spd3", () => Spd(3)), new("3x2", () => Rect(3, 2)),
                new("2x3", () => Rect(2, 3)), new("stoch3", () => Stochastic(3)), new("1x2", () => Rect(1, 2)), new("2x1", () => Rect(2, 1)),
                new("4x2", () => Rect(4, 2)), new("1x1", () => Spd(1)), new("3x3", () => Rect(3, 3)), new("4x4", () => Spd(4)),
            ];
        if (type == typeof(Matrix<float>))
            return Candidates(typeof(Matrix<double>), depth).Select(c => new Sample(c.Label, () => ((Matrix<double>)c.Make()!).Map(x => (float)x))).ToList();
        if (type == typeof(Vector<float>))
            return Candidates(typeof(Vector<double>), depth).Select(c => new Sample(c.Label, () => ((Vector<double>)c.Make()!).Map(x => (float)x))).ToList();
        if (type == typeof(TimeSpan)) return [new("1s", () => TimeSpan.FromSeconds(1))];
        if (type == typeof(Vector<double>))
            return [new("v2", () => Simplex(2)), new("v3", () => Simplex(3)), new("v1", () => Simplex(1)), new("v4", () => Simplex(4))];
        if (type == typeof(double[]))
            return [new("[2]", () => new[] { 0.25, 0.75 }), new("[3]", () => new[] { 0.2, 0.3, 0.5 }), new("[1]", () => new[] { 1.0 }), new("[4]", () => new[] { 0.1, 0.2, 0.3, 0.4 })];
        if (type == typeof(double[,]))
            return [new("2x2", () => Spd(2).ToArray()), new("3x3", () => Spd(3).ToArray()), new("2x3", () => Rect(2, 3).ToArray()), new("3x2", () => Rect(3, 2).ToArray())];
        if (type == typeof(int[]))
            return [new("[2]", () => new[] { 2 }), new("[1,2]", () => new[] { 1, 2 }), new("[2,2]", () => new[] { 2, 2 }), new("trajectory", () => new[] { 0, 1, 0, 1, 1, 0, 1, 0, 0, 1 })];
        if (type == typeof(IReadOnlyList<double>) || type == typeof(IEnumerable<double>) || type == typeof(IList<double>))
            return Candidates(typeof(double[]), depth);
        if (type == typeof(IReadOnlyList<int>) || type == typeof(IEnumerable<int>) || type == typeof(IList<int>))
            return Candidates(typeof(int[]), depth);
        if (type == typeof(long[])) return [new("[2,2]", () => new long[] { 2, 2 }), new("[2]", () => new long[] { 2 }), new("[1,2,2]", () => new long[] { 1, 2, 2 })];
        if (type == typeof(ScalarType)) return Values(ScalarType.Float64, ScalarType.Float32);
        if (type == typeof(Device)) return [new("cpu", () => torch.CPU)];
        if (type == typeof(torch.Generator)) return [new("gen", () => new torch.Generator(3, torch.CPU))];
        if (type == typeof(Random)) return [new("random", () => new Random(3))];
        if (type == typeof(CancellationToken)) return [new("none", () => CancellationToken.None)];
        if (type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
        {
            // A tuple: the components' first candidates, then their second ones.
            var parts = type.GetGenericArguments().Select(a => Candidates(a, depth + 1)).ToArray();
            if (parts.Any(p => p.Count == 0)) return [];
            var ctor = type.GetConstructor(type.GetGenericArguments())!;
            return Enumerable.Range(0, 2).Select(k => new Sample($"tuple{k}", () => ctor.Invoke(parts.Select(p => p[Math.Min(k, p.Count - 1)].Make()).ToArray()))).ToList();
        }
        if (type.IsArray && type.GetArrayRank() == 1)
            return ListOf(type.GetElementType()!, depth, a => a);
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var def
            && (def == typeof(IReadOnlyList<>) || def == typeof(IEnumerable<>) || def == typeof(IList<>) || def == typeof(List<>) || def == typeof(IReadOnlyCollection<>)))
        {
            var e = type.GetGenericArguments()[0];
            return ListOf(e, depth, a => def == typeof(List<>) ? Activator.CreateInstance(type, a) : a);
        }
        if (typeof(Delegate).IsAssignableFrom(type))
            return ApiDelegates.For(type) is { } d ? [new Sample("delegate", d)] : [];
        return ApiInstances.For(type, depth);
    }

    private static IReadOnlyList<Sample> ListOf(Type element, int depth, Func<Array, object?> wrap)
    {
        var inner = Candidates(element, depth + 1);
        return inner.Take(3).Select(s => new Sample($"[{s.Label}]", () =>
        {
            var a = Array.CreateInstance(element, 2);
            a.SetValue(s.Make(), 0);
            a.SetValue(s.Make(), 1);
            return wrap(a);
        })).ToList();
    }

    private static IReadOnlyList<Sample> Values<T>(params T[] values) => values.Select(v => new Sample(v!.ToString()!, () => v)).ToList();

    private static readonly string[] SizeWords = ["count", "size", "dim", "width", "depth", "heads", "layers", "tokens", "batch", "length", "samples", "states", "features", "rank", "order", "window"];
    private static readonly string[] StepWords = ["steps", "iterations", "epochs", "slots", "horizon"];
    private static readonly string[] PositiveRealWords = ["step", "tol", "std", "lr", "learningrate", "dt", "rtol", "atol", "scale", "variance", "sigma", "h"];

    /// <summary>Size-like integer: its name is one of n, d, k, or contains a size word (documented heuristic: 0 and −1 are bad).</summary>
    public static bool IsSizeName(string name)
    {
        var n = name.ToLowerInvariant();
        return n is "n" or "d" or "m" || SizeWords.Any(n.Contains);
    }

    /// <summary>An index (k, i, j, index): −1 is bad (0 is the first entry).</summary>
    public static bool IsIndexName(string name) => name.ToLowerInvariant() is "k" or "i" or "j" or "index" or "start";

    /// <summary>Count-of-iterations integer: −1 is bad (0 may legitimately mean "no step").</summary>
    public static bool IsStepCountName(string name) => StepWords.Any(name.ToLowerInvariant().Contains);

    /// <summary>Real that the name says must be positive (a step, tolerance, scale, std): a negative value is bad.</summary>
    public static bool IsPositiveRealName(string name)
    {
        var n = name.ToLowerInvariant();
        return n == "h" || PositiveRealWords.Where(w => w != "h").Any(n.Contains);
    }

    /// <summary>The bad values for parameter <paramref name="p"/> whose valid sample is <paramref name="valid"/>.</summary>
    public static IReadOnlyList<BadValue> BadValuesFor(ParameterInfo p, bool nullable, Sample valid)
    {
        var t = p.ParameterType;
        var u = Nullable.GetUnderlyingType(t);
        var list = new List<BadValue>();
        if (!t.IsValueType && !nullable)
            list.Add(new(BadKind.Null, () => null));
        var core = u ?? t;
        string name = p.Name!;
        if (core == typeof(double))
        {
            list.Add(new(BadKind.NaN, () => double.NaN));
            list.Add(new(BadKind.PositiveInfinity, () => double.PositiveInfinity));
            if (IsPositiveRealName(name)) list.Add(new(BadKind.Negative, () => -0.5));
        }
        else if (core == typeof(float))
        {
            list.Add(new(BadKind.NaN, () => float.NaN));
            list.Add(new(BadKind.PositiveInfinity, () => float.PositiveInfinity));
        }
        else if (core == typeof(int) || core == typeof(long))
        {
            object Conv(int v) => core == typeof(int) ? (object)v : (long)v;
            if (IsSizeName(name))
            {
                list.Add(new(BadKind.Zero, () => Conv(0)));
                list.Add(new(BadKind.MinusOne, () => Conv(-1)));
            }
            else if (IsStepCountName(name) || IsIndexName(name))
                list.Add(new(BadKind.MinusOne, () => Conv(-1)));
        }
        else if (core.IsEnum && core != typeof(ScalarType))
        {
            var max = Enum.GetValues(core).Cast<object>().Select(Convert.ToInt64).DefaultIfEmpty(0).Max();
            list.Add(new(BadKind.UndefinedEnum, () => Enum.ToObject(core, max + 17)));
        }
        else if (core == typeof(ScalarType))
            list.Add(new(BadKind.WrongDtype, () => ScalarType.Int64));
        else if (core == typeof(Tensor))
        {
            list.Add(new(BadKind.WrongDtype, () => ((Tensor)valid.Make()!).to(ScalarType.Int64)));
            // Wrong rank: two extra leading unit dimensions (several members take two ranks, e.g. (D, D) or (H, D, D)),
            // and the entries flattened to rank 1 (a rank-1 sample goes to rank 0).
            list.Add(new(BadKind.RankUp, () => ((Tensor)valid.Make()!).unsqueeze(0).unsqueeze(0)));
            list.Add(new(BadKind.RankDown, () => { var v = (Tensor)valid.Make()!; return v.dim() switch { 0 => null, 1 => v[0], _ => v.flatten() }; }));
            list.Add(new(BadKind.NaNEntry, () => { var v = ((Tensor)valid.Make()!).clone(); if (v.numel() > 0) v.view(-1)[0] = torch.tensor(double.NaN, dtype: v.dtype); return v; }));
            list.Add(new(BadKind.Empty, () => { var v = (Tensor)valid.Make()!; var s = v.shape.ToArray(); if (s.Length == 0) return torch.empty(0, dtype: v.dtype); s[0] = 0; return torch.empty(s, dtype: v.dtype); }));
            list.Add(new(BadKind.Mismatch, () => { var v = (Tensor)valid.Make()!; var s = v.shape.ToArray(); if (s.Length == 0) return null; s[^1] += 1; return MakeTensor(s, v.dtype); }));
        }
        else if (core == typeof(Matrix<double>))
        {
            list.Add(new(BadKind.NaNEntry, () => { var m = ((Matrix<double>)valid.Make()!).Clone(); m[0, 0] = double.NaN; return m; }));
            list.Add(new(BadKind.Mismatch, () => { var m = (Matrix<double>)valid.Make()!; return m.Stack(m.SubMatrix(0, 1, 0, m.ColumnCount)); }));
        }
        else if (core == typeof(Matrix<float>))
            list.Add(new(BadKind.NaNEntry, () => { var m = ((Matrix<float>)valid.Make()!).Clone(); m[0, 0] = float.NaN; return m; }));
        else if (core == typeof(Vector<float>))
            list.Add(new(BadKind.NaNEntry, () => { var v = ((Vector<float>)valid.Make()!).Clone(); v[0] = float.NaN; return v; }));
        else if (core == typeof(Vector<double>))
        {
            list.Add(new(BadKind.NaNEntry, () => { var v = ((Vector<double>)valid.Make()!).Clone(); v[0] = double.NaN; return v; }));
            list.Add(new(BadKind.Mismatch, () => { var v = (Vector<double>)valid.Make()!; return Vector<double>.Build.Dense(v.Count + 1, i => i < v.Count ? v[i] : 0.25); }));
        }
        else if (core == typeof(double[]))
        {
            list.Add(new(BadKind.Empty, () => Array.Empty<double>()));
            list.Add(new(BadKind.NaNEntry, () => { var a = (double[])((double[])valid.Make()!).Clone(); a[0] = double.NaN; return a; }));
        }
        else if (core == typeof(double[,]))
        {
            list.Add(new(BadKind.Empty, () => new double[0, 0]));
            list.Add(new(BadKind.NaNEntry, () => { var a = (double[,])((double[,])valid.Make()!).Clone(); a[0, 0] = double.NaN; return a; }));
        }
        else if (core == typeof(int[]) || core == typeof(long[]))
            list.Add(new(BadKind.Empty, () => Array.CreateInstance(core.GetElementType()!, 0)));
        else if (core.IsArray || (core.IsGenericType && typeof(IEnumerable).IsAssignableFrom(core)))
        {
            var element = core.IsArray ? core.GetElementType()! : core.GetGenericArguments()[0];
            list.Add(new(BadKind.Empty, () => core.IsGenericType && core.GetGenericTypeDefinition() == typeof(List<>)
                ? Activator.CreateInstance(core) : Array.CreateInstance(element, 0)));
        }
        return list;
    }
}

/// <summary>Simple implementations of the delegate types the API takes (a decaying linear field, a tanh activation, …).</summary>
internal static class ApiDelegates
{
    public static Func<object?>? For(Type type)
    {
        var invoke = type.GetMethod("Invoke")!;
        var ps = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        var ret = invoke.ReturnType;
        Expression? body = Body(ret, ps);
        if (body is null) return null;
        var lambda = Expression.Lambda(type, body, ps).Compile();
        return () => lambda;
    }

    private static Expression? Body(Type ret, ParameterExpression[] ps)
    {
        if (ret == typeof(void)) return Expression.Empty();
        // A parameter of the return type: return a fresh "−x" (a stable linear field), never the argument itself.
        var same = ps.LastOrDefault(p => p.Type == ret);
        if (ret == typeof(Tensor) && same is not null)
            return Expression.Call(same, typeof(Tensor).GetMethod(nameof(Tensor.neg), Type.EmptyTypes)!);
        if (ret == typeof(Vector<double>) && same is not null)
            return Expression.Call(same, typeof(Vector<double>).GetMethod(nameof(Vector<double>.Negate), Type.EmptyTypes)!);
        if (ret == typeof(double) && same is not null)
            return Expression.Call(typeof(Math).GetMethod(nameof(Math.Tanh), [typeof(double)])!, same);
        if (ret == typeof(double)) return Expression.Constant(0.5);
        if (ret == typeof(Tensor) && ps.FirstOrDefault(p => p.Type == typeof(Tensor)) is { } anyT)
            return Expression.Call(typeof(ApiDelegates).GetMethod(nameof(SquareSum), BindingFlags.NonPublic | BindingFlags.Static)!, anyT);
        if (ret == typeof(Vector<double>) && ps.FirstOrDefault(p => p.Type == typeof(Vector<double>)) is { } anyV)
            return Expression.Call(anyV, typeof(Vector<double>).GetMethod(nameof(Vector<double>.Negate), Type.EmptyTypes)!);
        if (ret.IsGenericType && ret.FullName!.StartsWith("System.ValueTuple", StringComparison.Ordinal))
        {
            // Tuples of vectors/tensors: each component −(the last parameter of that type).
            var parts = ret.GetGenericArguments().Select(a => Body(a, ps)).ToArray();
            if (parts.Any(x => x is null)) return null;
            return Expression.New(ret.GetConstructor(ret.GetGenericArguments())!, parts!);
        }
        // Otherwise a constant: the first valid sample of the return type (e.g. a fixed 2×2 tensor for t ↦ W(t)).
        var samples = ApiSamples.Candidates(ret, 1);
        if (samples.Count == 0) return null;
        var make = samples[0].Make;
        return Expression.Convert(Expression.Invoke(Expression.Constant(make)), ret);
    }

    private static Tensor SquareSum(Tensor t) => t.square().sum();
}
