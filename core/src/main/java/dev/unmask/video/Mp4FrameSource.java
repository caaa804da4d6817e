package dev.unmask.video;

import dev.unmask.data.ImageFiles;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.VUIParameters;
import org.jcodec.codecs.h264.mp4.AvcCBox;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.MP4TrackType;
import org.jcodec.containers.mp4.boxes.SampleEntry;
import org.jcodec.containers.mp4.boxes.VideoSampleEntry;
import org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.jcodec.scale.AWTUtil;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Frames of an MP4 (or QuickTime .mov, .m4v) file's first video track, decoded in pure Java by JCodec 0.2.5's
 * H.264 decoder. JCodec decodes 8-bit 4:2:0 progressive H.264 in the Baseline, Main and High profiles (CAVLC and
 * CABAC, B-frames, weighted prediction, the 8x8 transform), checked here against ffmpeg on files of each; it
 * refuses High 10 (more than 8 bits), High 4:2:2, High 4:4:4 and interlaced (field or MBAFF) coding, and decodes
 * no other codec. Such files are refused up front, from the sample entry's codec (its four-character code) and
 * the sequence parameter set, with a message naming the codec or profile.
 *
 * <p>Memory is bounded whatever the video's length: the decoder keeps at most its reference frames (the SPS's
 * {@code max_num_ref_frames}, at most 16) and this source at most the frames still to be put in display order
 * (the SPS's {@code max_dec_frame_buffering}, 16 when the stream does not say) plus one, each {@code 1.5 x W x H}
 * bytes (YUV 4:2:0 at the coded size), and one {@code 3 x W x H}-byte RGB picture per returned frame: at most
 * {@code (refs + buffering + 2) x 1.5 x W x H + 3 x W x H} bytes, which must fit in
 * {@link ImageFiles#MAX_DECODE_BYTES}, for frames of at most {@link #DEFAULT_MAX_FRAME_PIXELS} pixels by default.
 * The file's index (its {@code moov} box) is read whole and may take at most {@link #MAX_INDEX_BYTES}.
 *
 * <p>Every refusal is a {@link VideoFormatException}: whatever JCodec throws on a hostile file (runtime
 * exceptions, errors of its own making) becomes one naming the file. JCodec's CABAC decoder can also loop forever on
 * a slice whose data ends too early (its arithmetic decoder reads zeros past the end and a unary code never
 * terminates), so each frame is decoded on this source's own thread under a time limit
 * ({@link #frameTimeLimitNanos}); a frame past it is refused and its thread stopped ({@code Thread.stop}, which the
 * JDK performs up to release 19; on later releases the stuck thread is left to run, as a daemon).
 */
public final class Mp4FrameSource implements FrameSource {
    /** Largest frame decoded by default: the pixel limit of a picture seen whole, {@link ImageFiles#DEFAULT_MAX_DECODED_PIXELS}. */
    public static final long DEFAULT_MAX_FRAME_PIXELS = ImageFiles.DEFAULT_MAX_DECODED_PIXELS;
    /** Largest index ({@code moov} box) read: JCodec parses it in memory. */
    public static final long MAX_INDEX_BYTES = 64L << 20;
    /** Time limit of one frame's decoding: this much plus {@link #FRAME_NANOS_PER_PIXEL} per coded pixel. */
    private static final long FRAME_BASE_NANOS = 1_000_000_000L;
    /**
     * JCodec decodes about 20 to 50 million pixels a second on one core (a 160x120 frame in 1 ms here); 2.5 us a
     * pixel (400 thousand pixels a second) leaves a margin of 50 to 100 for slow or shared machines: 1.05 s for a
     * 160x128 frame, 6.2 s for 1920x1088, 11.5 s for 2048x2048.
     */
    private static final double FRAME_NANOS_PER_PIXEL = 2500;
    /** H.264's largest decoded picture buffer, in frames: the reorder depth when the stream does not state its own. */
    private static final int MAX_DPB_FRAMES = 16;
    /** Profiles whose features JCodec 0.2.5 decodes (profile_idc: Baseline, Main, High). */
    private static final Map<Integer, String> DECODED_PROFILES = Map.of(66, "Baseline", 77, "Main", 100, "High");
    private static final Map<Integer, String> OTHER_PROFILES = Map.of(88, "Extended", 110, "High 10", 122, "High 4:2:2",
            244, "High 4:4:4 Predictive", 44, "CAVLC 4:4:4 Intra", 83, "Scalable Baseline", 86, "Scalable High",
            118, "Multiview High", 128, "Stereo High");
    /** Box types an MP4 or QuickTime file may begin with. */
    private static final java.util.Set<String> FIRST_BOXES = java.util.Set.of("ftyp", "moov", "mdat", "free", "skip",
            "wide", "pnot", "uuid", "styp", "sidx", "meta", "pdin", "junk");
    private static final Map<String, String> CODEC_NAMES = Map.ofEntries(Map.entry("mp4v", "MPEG-4 Part 2"),
            Map.entry("hev1", "H.265/HEVC"), Map.entry("hvc1", "H.265/HEVC"), Map.entry("vp09", "VP9"),
            Map.entry("vp08", "VP8"), Map.entry("av01", "AV1"), Map.entry("mjpa", "Motion JPEG"),
            Map.entry("jpeg", "Motion JPEG"), Map.entry("s263", "H.263"), Map.entry("h263", "H.263"),
            Map.entry("apch", "Apple ProRes"), Map.entry("apcn", "Apple ProRes"), Map.entry("mp2v", "MPEG-2"),
            Map.entry("dvc ", "DV"), Map.entry("avc1", "H.264"), Map.entry("avc3", "H.264"));

    /** File name extensions (lower case, no dot) taken to be videos: MP4, its iTunes name, QuickTime. */
    public static final java.util.Set<String> EXTENSIONS = java.util.Set.of("mp4", "m4v", "mov");

    private final Path file;
    private final FrameSampling sampling;
    private final FileChannelWrapper channel;
    private final AbstractMP4DemuxerTrack track;
    private final H264Decoder decoder;
    private final VideoInfo info;
    private final int codedWidth;
    private final int codedHeight;
    private final int reorderDepth;
    private final long frameTimeLimitNanos;
    private final java.util.concurrent.ExecutorService decoding;
    private Thread decodingThread;
    private final PriorityQueue<Decoded> pending = new PriorityQueue<>(
            Comparator.comparingLong(Decoded::pts).thenComparingInt(Decoded::decodeIndex));
    private int read;
    private int shown;
    private boolean ended;
    private long lastPts = Long.MIN_VALUE;
    private double lastKeptSeconds = Double.NaN;
    private boolean closed;

    private record Decoded(long pts, double seconds, int decodeIndex, Picture picture) {
    }

    private Mp4FrameSource(Path file, FrameSampling sampling, FileChannelWrapper channel, AbstractMP4DemuxerTrack track,
                           H264Decoder decoder, VideoInfo info, int codedWidth, int codedHeight, int reorderDepth) {
        this.file = file;
        this.sampling = sampling;
        this.channel = channel;
        this.track = track;
        this.decoder = decoder;
        this.info = info;
        this.codedWidth = codedWidth;
        this.codedHeight = codedHeight;
        this.reorderDepth = reorderDepth;
        this.frameTimeLimitNanos = FRAME_BASE_NANOS + (long) (FRAME_NANOS_PER_PIXEL * codedWidth * codedHeight);
        this.decoding = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "unmask-video-decoder " + file.getFileName());
            t.setDaemon(true);
            decodingThread = t;
            return t;
        });
    }

    /**
     * Whether {@code file} is taken to be a video: its extension is one of {@link #EXTENSIONS}, or its first box is an
     * MP4 file-type box ({@code ftyp} at byte 4). An unreadable file is not a video.
     */
    public static boolean isVideo(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1))) {
            return true;
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(8);
            while (head.hasRemaining() && in.read(head) >= 0) {
                // read the first 8 bytes, or what there is
            }
            return !head.hasRemaining() && head.get(4) == 'f' && head.get(5) == 't' && head.get(6) == 'y' && head.get(7) == 'p';
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** {@link #open(Path, FrameSampling, long)} with frames of at most {@link #DEFAULT_MAX_FRAME_PIXELS} pixels. */
    public static Mp4FrameSource open(Path file, FrameSampling sampling) throws IOException {
        return open(file, sampling, DEFAULT_MAX_FRAME_PIXELS);
    }

    /**
     * Opens {@code file} and reads its index; frames are decoded as {@link #next} asks for them.
     *
     * @throws VideoFormatException naming the file when it is not a regular file, not an MP4 file or truncated, has
     *     no video track or no frame, holds a codec other than H.264 or an H.264 profile JCodec does not decode, or
     *     frames over {@code maxFramePixels} pixels or too large to decode in {@link ImageFiles#MAX_DECODE_BYTES}
     */
    public static Mp4FrameSource open(Path file, FrameSampling sampling, long maxFramePixels) throws IOException {
        if (sampling == null || maxFramePixels <= 0) {
            throw new IllegalArgumentException("a frame source needs a sampling and a positive pixel limit, got "
                    + sampling + ", " + maxFramePixels);
        }
        if (!Files.isRegularFile(file)) {
            throw new VideoFormatException(file, Files.exists(file) ? "not a regular file" : "no such file");
        }
        checkTopLevelBoxes(file);
        FileChannelWrapper channel = NIOUtils.readableChannel(file.toFile());
        try {
            Mp4FrameSource source = open(file, sampling, maxFramePixels, channel);
            channel = null;
            return source;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new VideoFormatException(file, "corrupt video index: " + describe(e), e);
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }

    private static Mp4FrameSource open(Path file, FrameSampling sampling, long maxFramePixels,
                                       FileChannelWrapper channel) throws IOException {
        MP4Demuxer demuxer;
        try {
            demuxer = MP4Demuxer.createMP4Demuxer(channel);
        } catch (IOException e) {
            throw new VideoFormatException(file, "not an MP4 file, or truncated: " + describe(e), e);
        }
        List<String> kinds = new ArrayList<>();
        AbstractMP4DemuxerTrack video = null;
        for (AbstractMP4DemuxerTrack t : demuxer.getTracks()) {
            if (t.getType() == MP4TrackType.VIDEO && video == null) {
                video = t;
            }
            SampleEntry[] entries = t.getSampleEntries();
            kinds.add(entries.length == 0 ? "?" : entries[0].getFourcc());
        }
        if (video == null) {
            throw new VideoFormatException(file, "no video track" + (kinds.isEmpty() ? ""
                    : " (" + kinds.size() + " other track" + (kinds.size() == 1 ? "" : "s") + ": "
                    + String.join(", ", kinds) + ")"));
        }
        SampleEntry[] entries = video.getSampleEntries();
        String fourcc = entries.length == 0 ? "" : entries[0].getFourcc();
        if (!fourcc.equals("avc1") && !fourcc.equals("avc3")) {
            String name = CODEC_NAMES.get(fourcc);
            throw new VideoFormatException(file, "unsupported video codec '" + fourcc + "'"
                    + (name == null ? "" : " (" + name + ")") + "; only H.264 (avc1) is decoded");
        }
        AvcCBox avcC = entries[0] instanceof VideoSampleEntry v ? H264Utils.parseAVCC(v) : null;
        if (avcC == null || avcC.getSpsList().isEmpty() || avcC.getPpsList().isEmpty()) {
            throw new VideoFormatException(file, "H.264 track without its decoder configuration (avcC box with SPS and PPS)");
        }
        SeqParameterSet sps = SeqParameterSet.read(avcC.getSpsList().get(0).duplicate());
        String profile = checkProfile(file, sps);
        int codedWidth = (sps.picWidthInMbsMinus1 + 1) * 16;
        int codedHeight = SeqParameterSet.getPicHeightInMbs(sps) * 16;
        long pixels = (long) codedWidth * codedHeight;
        if (pixels > maxFramePixels) {
            throw new VideoFormatException(file, "frames of " + codedWidth + "x" + codedHeight + " pixels are over the "
                    + "limit of " + maxFramePixels + " pixels");
        }
        int references = Math.min(MAX_DPB_FRAMES, Math.max(1, sps.numRefFrames));
        int reorderDepth = reorderDepth(sps);
        long bytes = (long) Math.ceil((references + reorderDepth + 2) * 1.5 * pixels) + 3 * pixels;
        if (bytes > ImageFiles.MAX_DECODE_BYTES) {
            throw new VideoFormatException(file, "frames of " + codedWidth + "x" + codedHeight + " with " + references
                    + " reference and " + reorderDepth + " reordered frames need " + (bytes >> 20) + " MB to decode, over "
                    + "the " + (ImageFiles.MAX_DECODE_BYTES >> 20) + " MB a decode may use");
        }
        long frames = video.getFrameCount();
        if (frames <= 0) {
            throw new VideoFormatException(file, "no frames: the video track is empty");
        }
        H264Decoder decoder = H264Decoder.createH264DecoderFromCodecPrivate(video.getMeta().getCodecPrivate());
        int width = codedWidth;
        int height = codedHeight;
        if (sps.frameCroppingFlag) {
            width -= 2 * (sps.frameCropLeftOffset + sps.frameCropRightOffset);
            height -= 2 * (sps.frameCropTopOffset + sps.frameCropBottomOffset);
        }
        org.jcodec.common.model.RationalLarge duration = video.getDuration();
        double seconds = duration.getDen() == 0 ? 0 : (double) duration.getNum() / duration.getDen();
        VideoInfo info = new VideoInfo(width, height, (int) Math.min(Integer.MAX_VALUE, frames), seconds,
                "H.264 " + profile);
        return new Mp4FrameSource(file, sampling, channel, video, decoder, info, codedWidth, codedHeight, reorderDepth);
    }

    /** The profile's name, or a refusal naming what JCodec does not decode. */
    private static String checkProfile(Path file, SeqParameterSet sps) throws VideoFormatException {
        String name = DECODED_PROFILES.get(sps.profileIdc);
        if (name == null) {
            String other = OTHER_PROFILES.get(sps.profileIdc);
            throw new VideoFormatException(file, "unsupported H.264 profile " + (other != null ? other
                    : "with profile_idc " + sps.profileIdc) + "; decoded: 8-bit 4:2:0 progressive Baseline, Main and High");
        }
        String problem = null;
        if (sps.bitDepthLumaMinus8 != 0 || sps.bitDepthChromaMinus8 != 0) {
            problem = (8 + Math.max(sps.bitDepthLumaMinus8, sps.bitDepthChromaMinus8)) + "-bit samples";
        } else if (sps.chromaFormatIdc != ColorSpace.YUV420J && sps.chromaFormatIdc != ColorSpace.YUV420) {
            problem = "chroma format " + sps.chromaFormatIdc;
        } else if (!sps.frameMbsOnlyFlag) {
            problem = "interlaced (field or MBAFF) coding";
        }
        if (problem != null) {
            throw new VideoFormatException(file, "unsupported H.264 " + name + " profile stream with " + problem
                    + "; decoded: 8-bit 4:2:0 progressive Baseline, Main and High");
        }
        return name;
    }

    private static int reorderDepth(SeqParameterSet sps) {
        VUIParameters vui = sps.vuiParams;
        if (vui != null && vui.bitstreamRestriction != null) {
            return Math.min(MAX_DPB_FRAMES, Math.max(0, vui.bitstreamRestriction.maxDecFrameBuffering));
        }
        return MAX_DPB_FRAMES;
    }

    /**
     * Walks the file's top-level boxes before JCodec sees it: a box that runs past the end of the file is a truncated
     * file, and an index ({@code moov}) over {@link #MAX_INDEX_BYTES} is refused before it is read into memory.
     */
    private static void checkTopLevelBoxes(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            long at = 0;
            boolean movie = false;
            ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
            while (at + 8 <= size) {
                header.clear();
                in.read(header, at);
                header.flip();
                long boxSize = header.getInt() & 0xffffffffL;
                byte[] type = new byte[4];
                header.get(type);
                String kind = new String(type, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (boxSize == 1) {
                    if (header.remaining() < 8) {
                        throw new VideoFormatException(file, "truncated: the file ends inside a box header");
                    }
                    boxSize = header.getLong();
                } else if (boxSize == 0) {
                    boxSize = size - at;
                }
                if (at == 0 && !FIRST_BOXES.contains(kind)) {
                    throw new VideoFormatException(file, "not an MP4 file: it begins with no MP4 box (first bytes "
                            + printable(kind) + ")");
                }
                if (boxSize < 8) {
                    throw new VideoFormatException(file, "not an MP4 file, or corrupt: a top-level box of " + boxSize
                            + " bytes at offset " + at);
                }
                if (boxSize > size - at) {
                    throw new VideoFormatException(file, "truncated: the " + printable(kind) + " box at offset " + at
                            + " declares " + boxSize + " bytes but the file ends after " + (size - at));
                }
                if (kind.equals("moov")) {
                    movie = true;
                    if (boxSize > MAX_INDEX_BYTES) {
                        throw new VideoFormatException(file, "an index (moov box) of " + boxSize + " bytes, over the "
                                + "limit of " + MAX_INDEX_BYTES);
                    }
                }
                at += boxSize;
            }
            if (!movie) {
                throw new VideoFormatException(file, "not an MP4 file, or truncated: no index (moov box)");
            }
        }
    }

    private static String printable(String fourcc) {
        return "'" + fourcc.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    @Override
    public VideoInfo info() {
        return info;
    }

    @Override
    public VideoFrame next() throws IOException {
        if (closed) {
            throw new IllegalStateException("this frame source is closed");
        }
        while (true) {
            while (!ended && pending.size() <= reorderDepth) {
                decodeOne();
            }
            Decoded d = pending.poll();
            if (d == null) {
                return null;
            }
            if (d.pts() < lastPts) {
                throw new VideoFormatException(file, "corrupt: frame " + d.decodeIndex() + " is shown before frames "
                        + "already shown (more reordering than the stream declares)");
            }
            lastPts = d.pts();
            int index = shown++;
            if (sampling.keeps(index, d.seconds(), lastKeptSeconds)) {
                lastKeptSeconds = d.seconds();
                return new VideoFrame(index, d.seconds(), toImage(d));
            }
        }
    }

    private void decodeOne() throws IOException {
        Packet packet;
        try {
            packet = track.nextFrame();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new VideoFormatException(file, "corrupt frame data at frame " + read + ": " + describe(e), e);
        }
        if (packet == null) {
            ended = true;
            if (read < info.frames()) {
                throw new VideoFormatException(file, "truncated: the frame data ends after " + read + " of "
                        + info.frames() + " frames");
            }
            return;
        }
        // a new buffer per frame: the decoder keeps decoded frames as references for later ones
        byte[][] buffer = Picture.create(codedWidth, codedHeight, ColorSpace.YUV420).getData();
        java.nio.ByteBuffer data = packet.getData();
        java.util.concurrent.Future<Picture> task = decoding.submit(() -> decoder.decodeFrame(data, buffer));
        Picture picture;
        try {
            picture = task.get(frameTimeLimitNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            ended = true;
            stopDecoding();
            throw new VideoFormatException(file, String.format(Locale.ROOT, "cannot decode frame %d: the decoder did "
                    + "not finish it in %.1f s (corrupt frame data)", read, frameTimeLimitNanos / 1e9), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new VideoFormatException(file, "cannot decode frame " + read + ": " + describe(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(file + ": interrupted while decoding frame " + read);
        }
        if (picture == null) {
            throw new VideoFormatException(file, "cannot decode frame " + read + ": no picture in its data");
        }
        pending.add(new Decoded(packet.getPts(), packet.getPtsD(), read, picture));
        read++;
    }

    /**
     * Stops the decoding thread stuck in a frame: {@code Thread.stop} where the JDK still performs it (up to release
     * 19; called by reflection, since it is deprecated for removal), else the daemon thread is left to run.
     */
    private void stopDecoding() {
        decoding.shutdownNow();
        Thread stuck = decodingThread;
        if (stuck != null) {
            try {
                Thread.class.getMethod("stop").invoke(stuck);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // UnsupportedOperationException from JDK 20 on: nothing more can be done from here
            }
        }
    }

    private BufferedImage toImage(Decoded d) throws VideoFormatException {
        try {
            BufferedImage image = AWTUtil.toBufferedImage(d.picture());
            if (image.getWidth() != info.width() || image.getHeight() != info.height()) {
                throw new VideoFormatException(file, "corrupt: frame " + d.decodeIndex() + " decodes to "
                        + image.getWidth() + "x" + image.getHeight() + ", not the declared " + info.width() + "x"
                        + info.height());
            }
            return image;
        } catch (RuntimeException e) {
            throw new VideoFormatException(file, "cannot convert frame " + d.decodeIndex() + ": " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message.strip() + ")");
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            pending.clear();
            decoding.shutdownNow();
            channel.close();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %s %dx%d, %d frames, %s", file, info.format(), info.width(), info.height(),
                info.frames(), sampling);
    }
}
