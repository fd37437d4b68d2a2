using LeakWatch.Agent.Export;

namespace LeakWatch.Agent.Tests.Export;

/// <summary>The pooled response body: what is written is what is sent, across growth, a reset and a reservation.</summary>
public class ResponseBodyStreamTests
{
    [Theory]
    [InlineData(new int[0], 0)]
    [InlineData(new[] { 1 }, 0)]
    [InlineData(new[] { 4096 }, 0)]
    [InlineData(new[] { 4096, 1 }, 0)]
    [InlineData(new[] { 3000, 3000, 3000, 100_000, 7 }, 0)]
    [InlineData(new[] { 10, 20 }, 200_000)]
    [InlineData(new[] { 150_000, 150_000 }, 200_000)]
    public async Task The_bytes_written_are_the_bytes_kept_in_order(int[] pieces, int reserved)
    {
        using var body = new ResponseBodyStream();
        body.Reserve(reserved);
        var expected = new List<byte>();
        var next = 0;
        foreach (var (size, index) in pieces.Select((size, index) => (size, index)))
        {
            var piece = Enumerable.Range(next, size).Select(i => (byte)(i % 251)).ToArray();
            next += size;
            expected.AddRange(piece);
            if (index % 2 == 0)
            {
                body.Write(piece);
            }
            else
            {
                await body.WriteAsync(piece);
            }
        }

        Assert.Equal(expected.Count, body.Length);
        Assert.Equal(expected, body.Written.ToArray());
    }

    [Fact]
    public void An_answer_started_again_keeps_only_what_follows()
    {
        using var body = new ResponseBodyStream();
        body.Write(new byte[10_000]);

        body.SetLength(0);
        body.Write("internal error\n"u8);

        Assert.Equal("internal error\n"u8.ToArray(), body.Written.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => body.SetLength(100));
    }

    [Fact]
    public void A_disposed_body_holds_nothing()
    {
        var body = new ResponseBodyStream();
        body.Write(new byte[50_000]);

        body.Dispose();

        Assert.Equal(0, body.Length);
        Assert.True(body.Written.IsEmpty);
    }
}
