namespace NeuralTheory.Tests.Attention;

/// <summary>
/// Checkable numbers of the spec <c>shared/specs/attention-icl-regression.md</c>, Section 7 (computed in float64 by
/// the spec's author, independently of this code). Section numbers name the source of every constant.
/// </summary>
internal static class SpecGoldenNumbers
{
    // 7.1 Instance I1: N = 3, d = 2, o = 1.
    public static readonly double[,] X = { { 1.0, 0.5 }, { -0.5, 1.0 }, { 2.0, -1.0 } };
    public static readonly double[] Y = { 0.5, 1.5, -1.0 };
    public static readonly double[] Xq = { 1.0, 2.0 };
    public const double Eta = 0.1;
    public static readonly double[] W0 = { 0.3, -0.2 };

    // 7.2 LSA GD construction on I1, η = 0.1: y-column after layers 1..3 (rows 1..3 context, row 4 query).
    public static readonly double[][] GdYColumnsW0Zero =
    {
        new[] { 0.529166666666667, 1.37083333333333, -0.758333333333333, -0.108333333333333 },
        new[] { 0.545034722222222, 1.26315972222222, -0.567013888888889, -0.212152777777778 },
        new[] { 0.550675636574074, 1.1727271412037, -0.415552662037037, -0.311646412037037 },
    };

    public static readonly double[][] GdYColumnsW0 =
    {
        new[] { 0.5775, 1.30291666666667, -0.591666666666667, -0.0125 },
        new[] { 0.631354166666667, 1.14126736111111, -0.268402777777778, -0.1203125 },
        new[] { 0.666801215277778, 1.00790436921296, -0.0124855324074074, -0.2236328125 },
    };

    // 7.2 negative test: query wrongly included in keys/values (still 1/N), two layers.
    public const double GdIncludingQueryPrediction2 = 0.194097222222222;

    // 7.3 Preconditioned GD on I1, A = [[0.2, 0.05],[0.05, 0.1]] every layer: w_k and ŷ_k, k = 1..3.
    public static readonly double[,] Preconditioner = { { 0.2, 0.05 }, { 0.05, 0.1 } };
    public static readonly double[][] PgdIterates =
    {
        new[] { -0.104166666666667, 0.0541666666666667 },
        new[] { -0.17015625, 0.108246527777778 },
        new[] { -0.210066478587963, 0.161447844328704 },
    };
    public static readonly double[] PgdPredictions = { 0.00416666666666667, 0.0463368055555556, 0.112829210069444 };

    // 7.4 GD++ on I1, η = 0.1, γ = 0.05: full Z after layers 1..3.
    public const double Gamma = 0.05;
    public static readonly double[][,] GdPlusPlusStates =
    {
        new[,]
        {
            { 0.929166666666667, 0.514583333333333, 0.529166666666667 },
            { -0.422916666666667, 0.945833333333333, 1.37083333333333 },
            { 1.79166666666667, -0.895833333333333, -0.758333333333333 },
            { 0.979166666666667, 1.95833333333333, -0.108333333333333 },
        },
        new[,]
        {
            { 0.87641077865789, 0.521403088981723, 0.535412341459298 },
            { -0.36887397295163, 0.904143345208816, 1.27955685462481 },
            { 1.64189129111208, -0.820945645556038, -0.604796157648534 },
            { 0.959608478310667, 1.91921695662133, -0.207872028115355 },
        },
        new[,]
        {
            { 0.834467135832592, 0.523965452847573, 0.530913951883096 },
            { -0.328290330473565, 0.870044430809685, 1.20906903755954 },
            { 1.52662509175681, -0.763312545878407, -0.497413717835549 },
            { 0.941199020763869, 1.88239804152774, -0.299654831915597 },
        },
    };
    public static readonly double[] GdPlusPlusPredictions = { 0.108333333333333, 0.207872028115355, 0.299654831915597 };

    // 7.6 Newton–Schulz on I1, α = 1/‖S Sᵀ‖_F, LSA construction 4.6 with K = 3.
    public const double NewtonAlpha = 0.0255795445432778;
    public static readonly double[] NewtonQueryVAfterInit = { 0.031974430679097, 0.063948861358195 };
    public static readonly double[][] NewtonScaledQueryV =   // 2^k v_q after Newton layers k = 1, 2, 3
    {
        new[] { 0.062670906086629, 0.125341812173258 },
        new[] { 0.120432259086109, 0.240864518172218 },
        new[] { 0.222734606886489, 0.445469213772977 },
    };
    public static readonly double[][,] NewtonM =              // M_0 .. M_3
    {
        new[,] { { 0.134292608852208, -0.0511590890865556 }, { -0.0511590890865556, 0.0575539752223751 } },
        new[,] { { 0.140534099493554, -0.0389315967034627 }, { -0.0389315967034627, 0.0821367044383604 } },
        new[,] { { 0.15208645181717, -0.0158270963655302 }, { -0.0158270963655302, 0.128345807268874 } },
        new[,] { { 0.172546921377298, 0.0250938427545955 }, { 0.0250938427545955, 0.210187685509191 } },
    };
    public const double NewtonReadoutK3 = 0.723887472381088;

    // 7.9 Trivial case: N = 1, d = 1, x = 2, y = 3, x_q = 1, η = 0.1.
    public const double TrivialX = 2, TrivialY = 3, TrivialXq = 1;
    public const double TrivialPrediction1 = 0.6, TrivialPrediction2 = 0.96;
    public const double TrivialNewtonAlpha = 1.0 / 16, TrivialNewtonPrediction = 1.5;
}
