using System.Text;

namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>
/// Reads bytes that are invalid in the chosen encoding as U+FFFD, like the default, and counts them: a count above
/// zero usually means the encoding is wrong (a Windows-1252 file whose first 64 KB happened to be plain ASCII).
/// </summary>
internal sealed class CountingDecoderFallback : DecoderFallback
{
    public long Count { get; private set; }

    public override int MaxCharCount => 1;

    public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

    private sealed class Buffer(CountingDecoderFallback owner) : DecoderFallbackBuffer
    {
        private int _remaining;

        public override int Remaining => _remaining;

        public override bool Fallback(byte[] bytesUnknown, int index)
        {
            owner.Count++;
            _remaining = 1;
            return true;
        }

        public override char GetNextChar()
        {
            if (_remaining == 0)
            {
                return '\0';
            }
            _remaining--;
            return '\uFFFD';
        }

        public override bool MovePrevious()
        {
            if (_remaining > 0)
            {
                return false;
            }
            _remaining = 1;
            return true;
        }

        public override void Reset() => _remaining = 0;
    }
}
