using LeakWatch.Core.Options;

namespace LeakWatch.Core.Tests.Options;

public class CopyBudgetTests
{
    private const long MiB = 1L << 20;

    [Theory]
    [InlineData("auto", null)]
    [InlineData(" AUTO ", null)]
    [InlineData("0", 0L)]
    [InlineData("128MiB", 128 * MiB)]
    [InlineData("1GiB", 1024 * MiB)]
    public void Parses_auto_zero_and_sizes(string text, long? expected)
    {
        Assert.True(CopyBudget.TryParse(text, out var budget));
        Assert.Equal(expected, budget.Bytes);
        Assert.Equal(expected is null, budget.IsAuto);
    }

    [Theory]
    [InlineData("")]
    [InlineData("automatic")]
    [InlineData("-1MiB")]
    [InlineData(null)]
    public void Rejects_what_is_neither_auto_nor_a_size(string? text) => Assert.False(CopyBudget.TryParse(text, out _));

    [Theory]
    // limit MiB (0: none), available MiB, resident MiB → budget MiB, the reason's words
    [InlineData(0, 24_000, 70, 1024, "the 1024 MiB ceiling")]
    [InlineData(0, 2_000, 70, 500, "a quarter of the host's 2000 MiB available")]
    [InlineData(256, 24_000, 70, 122, "the agent's 256 MiB memory limit less 70 MiB in use and 64 MiB for the walk")]
    [InlineData(256, 200, 70, 50, "a quarter of the host's 200 MiB available")]
    [InlineData(128, 24_000, 100, 0, "the agent's 128 MiB memory limit")]
    [InlineData(4096, 24_000, 70, 1024, "the 1024 MiB ceiling")]
    public void Auto_takes_the_tightest_of_the_ceiling_the_host_and_the_container_limit(long limitMib, long availableMib, long residentMib, long expectedMib, string reason)
    {
        var memory = new AgentMemory(limitMib == 0 ? null : limitMib * MiB, availableMib * MiB, residentMib * MiB);

        var (bytes, why) = CopyBudget.Auto.Resolve(memory);

        Assert.Equal(expectedMib * MiB, bytes);
        Assert.StartsWith("auto: ", why, StringComparison.Ordinal);
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixed_budget_ignores_the_agents_memory()
    {
        var (bytes, why) = CopyBudget.Fixed(512 * MiB).Resolve(new AgentMemory(256 * MiB, 100 * MiB, 200 * MiB));

        Assert.Equal(512 * MiB, bytes);
        Assert.Equal("--copy-budget", why);
    }

    [Theory]
    [InlineData("auto", "auto")]
    [InlineData("128MiB", "128MiB")]
    [InlineData("0", "0")]
    public void Prints_as_it_is_typed(string text, string expected)
    {
        Assert.True(CopyBudget.TryParse(text, out var budget));
        Assert.Equal(expected, budget.ToString());
    }
}
