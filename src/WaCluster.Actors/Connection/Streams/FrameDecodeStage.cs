using Akka.Streams;
using Akka.Streams.Stage;
using WaCluster.Protocol.Framing;

namespace WaCluster.Actors.Connection.Streams;

/// <summary>
/// Cuts inbound wire chunks into whole frame payloads with the session's <see cref="FrameDecoder"/>. It asks for the
/// next chunk only when the decoder holds no whole frame and downstream wants one, so a slow consumer stops socket
/// reads here; a lying length or a connection cut inside a frame fails the stream with the typed
/// <see cref="FrameException"/>.
/// </summary>
internal sealed class FrameDecodeStage(FrameDecoder decoder) : GraphStage<FlowShape<byte[], byte[]>>
{
    private readonly Inlet<byte[]> _in = new("frames.in");
    private readonly Outlet<byte[]> _out = new("frames.out");

    public override FlowShape<byte[], byte[]> Shape => new(_in, _out);

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("frame-decode");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this, decoder);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly Inlet<byte[]> _in;
        private readonly Outlet<byte[]> _out;
        private readonly FrameDecoder _decoder;
        private bool _upstreamFinished;

        public Logic(FrameDecodeStage stage, FrameDecoder decoder) : base(stage.Shape)
        {
            _in = stage._in;
            _out = stage._out;
            _decoder = decoder;
            SetHandler(_in, this);
            SetHandler(_out, this);
        }

        public override void OnPush()
        {
            try
            {
                _decoder.Feed(Grab(_in));
                if (!TryPushFrame()) PullChunk();
            }
            catch (FrameException ex)
            {
                FailStage(ex);
            }
        }

        public override void OnPull()
        {
            try
            {
                if (TryPushFrame()) return;
                if (_upstreamFinished) FinishDecoding();
                else PullChunk();
            }
            catch (FrameException ex)
            {
                FailStage(ex);
            }
        }

        // Frames already buffered still go out; the end is checked once downstream asks past them.
        public override void OnUpstreamFinish()
        {
            _upstreamFinished = true;
            if (!IsAvailable(_out)) return;
            try
            {
                FinishDecoding();
            }
            catch (FrameException ex)
            {
                FailStage(ex);
            }
        }

        private bool TryPushFrame()
        {
            if (!_decoder.TryReadFrame(out var frame)) return false;
            // The decoder reuses its buffer on the next feed, and the frame crosses stages: it needs its own array.
            Push(_out, frame.ToArray());
            return true;
        }

        // Between messages the decoder gives its buffer back: thousands of idle connections should not each hold one.
        private void PullChunk()
        {
            _decoder.ReleaseBufferIfDrained();
            Pull(_in);
        }

        private void FinishDecoding()
        {
            _decoder.Finish();
            CompleteStage();
        }
    }
}
