using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using Lucene.Net.Store;
using LDirectory = Lucene.Net.Store.Directory;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// An <see cref="FSDirectory"/> that reads every file through one read-only memory mapping, like Lucene's
/// MMapDirectory, but whose inputs clone for the price of a field copy. Lucene.Net's MMapDirectory registers every
/// clone (each terms, postings and positions enum of every query makes some) in a ConditionalWeakTable so that closing
/// can unmap; that registration was a sixth of a search's CPU time, and the table's dependent handles slow every GC.
/// Here a mapping is never unmapped explicitly: it lives while any input over it is reachable and the runtime unmaps
/// it when the last is collected (Java's MMapDirectory with UseUnmap off). A clone used after its reader closed so
/// still reads valid memory, never a freed page. The file descriptor is closed as soon as the view exists.
/// Writing is FSDirectory's.
/// </summary>
public sealed class MappedDirectory(DirectoryInfo path) : FSDirectory(path, null)
{
    public override IndexInput OpenInput(string name, IOContext context)
    {
        EnsureOpen();
        string file = Path.Combine(Directory.FullName, name);
        return new MappedIndexInput($"MappedIndexInput(path=\"{file}\")", Mapping.Open(file));
    }

    /// <summary>One file's read-only view; unmapped by the runtime once no input refers to it.</summary>
    internal sealed unsafe class Mapping
    {
        private readonly MemoryMappedViewAccessor? _view;

        private Mapping(MemoryMappedViewAccessor? view, byte* start, long length)
        {
            _view = view;
            Start = start;
            Length = length;
        }

        public byte* Start { get; }

        public long Length { get; }

        public static Mapping Open(string file)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long length = stream.Length;
            if (length == 0) return new Mapping(null, null, 0);
            // The view keeps the mapping; the file handle is not needed once it exists (closed by the usings).
            using var file_ = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            var view = file_.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            return new Mapping(view, start + view.PointerOffset, length);
        }

        ~Mapping()
        {
            if (_view is null) return;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
    }

    /// <summary>A position over (a slice of) a mapping. Clones copy the position and share the mapping.</summary>
    private sealed unsafe class MappedIndexInput : IndexInput
    {
        private readonly Mapping _mapping;
        private readonly byte* _start;
        private readonly long _length;
        private long _position;

        public MappedIndexInput(string description, Mapping mapping) : base(description)
        {
            _mapping = mapping;
            _start = mapping.Start;
            _length = mapping.Length;
        }

        public override long Length => _length;

        public override long Position => _position;

        public override void Seek(long pos)
        {
            if (pos < 0 || pos > _length) throw new EndOfStreamException($"seek to {pos} outside 0..{_length}: {this}");
            _position = pos;
        }

        public override byte ReadByte()
        {
            long p = _position;
            if (p >= _length) throw new EndOfStreamException($"read past EOF: {this}");
            byte b = _start[p];
            _position = p + 1;
            return b;
        }

        public override void ReadBytes(byte[] b, int offset, int len)
        {
            long p = _position;
            if (len < 0 || p + len > _length) throw new EndOfStreamException($"read past EOF: {this}");
            new ReadOnlySpan<byte>(_start + p, len).CopyTo(b.AsSpan(offset, len));
            _position = p + len;
        }

        // Each read finishes with the pointer before the position is written, so the input (and its mapping) is
        // reachable until the bytes are read.
        public override short ReadInt16()
        {
            long p = Check(2);
            short v = BinaryPrimitives.ReadInt16BigEndian(new ReadOnlySpan<byte>(_start + p, 2));
            _position = p + 2;
            return v;
        }

        public override int ReadInt32()
        {
            long p = Check(4);
            int v = BinaryPrimitives.ReadInt32BigEndian(new ReadOnlySpan<byte>(_start + p, 4));
            _position = p + 4;
            return v;
        }

        public override long ReadInt64()
        {
            long p = Check(8);
            long v = BinaryPrimitives.ReadInt64BigEndian(new ReadOnlySpan<byte>(_start + p, 8));
            _position = p + 8;
            return v;
        }

        private long Check(int n)
        {
            long p = _position;
            if (p + n > _length) throw new EndOfStreamException($"read past EOF: {this}");
            return p;
        }

        public override object Clone() => MemberwiseClone();

        protected override void Dispose(bool disposing)
        {
            // Nothing to release per input: the mapping goes when the last input over it is collected.
            GC.KeepAlive(_mapping);
        }
    }
}

/// <summary>Opens the engine's directory over a folder (one place, so writer and read-only snapshots agree).</summary>
internal static class LuceneDirectories
{
    public static LDirectory Open(string folder) => new MappedDirectory(new DirectoryInfo(folder));
}
