using System.Buffers;

namespace LeakWatch.Agent.Export;

/// <summary>
/// A response's body, buffered whole so that it goes out with a Content-Length (HttpListener's chunked answers were
/// cut short, which is why the agent buffers), in an array rented from the shared pool and given back once sent: the
/// /metrics exposition is rendered straight into it and sent from it, one buffer per scrape, and the next scrape
/// rents the same array again instead of allocating a new one. Idle keep-alive connections hold none.
/// Write-only; not thread-safe (one request writes it).
/// </summary>
public sealed class ResponseBodyStream : Stream
{
    private const int FirstSize = 4096;

    private byte[] _buffer = [];
    private int _length;

    /// <summary>The bytes written so far; valid until the next write or <see cref="Dispose(bool)"/>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    /// <summary>Makes room for <paramref name="capacity"/> bytes at once (the size of the previous answer), sparing the copies of growing.</summary>
    public void Reserve(int capacity)
    {
        if (capacity > _buffer.Length)
        {
            Grow(capacity);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var needed = _length + buffer.Length;
        if (needed > _buffer.Length)
        {
            Grow(Math.Max(needed, Math.Max(FirstSize, _buffer.Length * 2)));
        }

        buffer.CopyTo(_buffer.AsSpan(_length));
        _length = needed;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Only shortens (0: start the body again, as an error answer replacing a half-written one does).</summary>
    public override void SetLength(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, _length);
        _length = (int)value;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
        }

        base.Dispose(disposing);
    }

    private void Grow(int capacity)
    {
        var larger = ArrayPool<byte>.Shared.Rent(capacity);
        _buffer.AsSpan(0, _length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
