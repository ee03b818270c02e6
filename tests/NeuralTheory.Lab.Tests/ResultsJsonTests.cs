using System.Text.Json;
using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Reporting;
using NeuralTheory.Lab.Verification;

namespace NeuralTheory.Lab.Tests;

public class ResultsJsonTests
{
    private static readonly EnvironmentInfo Environment =
        new("os", ".NET", "0.107.0", null, "cpu", 2, 7, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), 2);

    [Fact]
    public void Non_finite_numbers_are_written_as_null_and_the_document_parses()
    {
        var outcomes = new[]
        {
            CheckOutcome.Of(new FakeCheck("a.nan"), CheckResult.Failure("threw")),
            CheckOutcome.Of(new FakeCheck("a.inf"), CheckResult.Within(double.PositiveInfinity, 0, 1)),
        };
        using var doc = JsonDocument.Parse(ResultsJson.Render(outcomes, Environment));
        var checks = doc.RootElement.GetProperty("checks");
        Assert.Equal(JsonValueKind.Null, checks[0].GetProperty("measured").ValueKind);
        Assert.Equal(JsonValueKind.Null, checks[0].GetProperty("expected").ValueKind);
        Assert.Equal(JsonValueKind.Null, checks[0].GetProperty("tolerance").ValueKind);
        Assert.Equal(JsonValueKind.False, checks[0].GetProperty("passed").ValueKind);
        Assert.Equal(JsonValueKind.Null, checks[1].GetProperty("measured").ValueKind);
        Assert.Equal(1.0, checks[1].GetProperty("tolerance").GetDouble());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("environment").GetProperty("libtorch").ValueKind);
        Assert.Equal("2026-01-02T03:04:05.000Z", doc.RootElement.GetProperty("environment").GetProperty("timestampUtc").GetString());
    }

    [Fact]
    public void Finite_numbers_round_trip_exactly()
    {
        double measured = 2.530216822924479E-16;
        var outcome = CheckOutcome.Of(new FakeCheck("a.b"), CheckResult.Within(measured, 0, 1e-12) with { Seconds = 0.123456789 });
        using var doc = JsonDocument.Parse(ResultsJson.Render([outcome], Environment));
        var check = doc.RootElement.GetProperty("checks")[0];
        Assert.Equal(measured, check.GetProperty("measured").GetDouble());
        Assert.Equal(1e-12, check.GetProperty("tolerance").GetDouble());
        Assert.Equal(0.123456789, check.GetProperty("seconds").GetDouble());
    }
}
