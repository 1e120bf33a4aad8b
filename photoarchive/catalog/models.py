"""SQLAlchemy 2 typed models of the catalog.

The schema is created and changed only by the Alembic migrations in `migrations/`;
these classes describe it for queries. Descriptive fields follow METADATA.md, one column
per field, named as in the CLI and CSV. Keywords and people are their own tables.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    func,
    literal_column,
    or_,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware now, stored as UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class PathText(TypeDecorator[str]):
    """A file path, relative to the library root where possible.

    The library root is the folder that holds the catalog (the engine's dialect carries it,
    see `db.make_engine`): a photo inside it is stored relative to it, so the catalog and its
    photo folder can move together to another disk or machine; anything else is stored
    absolute. Values read back are always absolute. POSIX names are bytes: one that is not
    valid UTF-8 (Python holds it with surrogate escapes) is stored as a BLOB of its exact
    bytes and read back the same way.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect) -> str | bytes | None:
        if value is None:
            return None
        root = getattr(dialect, "photoarchive_root", None)
        if root and os.path.isabs(value):
            inside = os.path.relpath(value, root)
            if inside != os.curdir and not inside.startswith(os.pardir):
                value = inside
        raw = value.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw

    def process_result_value(self, value: str | bytes | None, dialect) -> str | None:
        if isinstance(value, bytes):
            value = value.decode("utf-8", "surrogateescape")
        root = getattr(dialect, "photoarchive_root", None)
        if value and root and not os.path.isabs(value):
            return os.path.join(root, value)
        return value


#: Descriptive text fields of METADATA.md held as plain columns on `photo`
#: (lists — keywords, people, collections — live in their own tables; `date` is special).
TEXT_FIELDS: tuple[str, ...] = (
    "title",
    "headline",
    "caption",
    "alt_text",
    "creator",
    "sublocation",
    "city",
    "state",
    "country",
    "country_code",
    "event",
    "source",
    "credit",
    "rights",
    "rights_url",
    "identifier",
    "caption_writer",
    "notes",
)

photo_keyword = Table(
    "photo_keyword",
    Base.metadata,
    Column("photo_id", ForeignKey("photo.id", ondelete="CASCADE"), primary_key=True),
    Column("keyword_id", ForeignKey("keyword.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

photo_person = Table(
    "photo_person",
    Base.metadata,
    Column("photo_id", ForeignKey("photo.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Photo(Base):
    """One photograph: file identity, technical data and descriptive metadata."""

    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    # File identity
    path: Mapped[str] = mapped_column(PathText, unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    file_size: Mapped[int] = mapped_column(Integer)
    file_mtime: Mapped[float] = mapped_column(Float)
    format: Mapped[str | None] = mapped_column(String(16))
    width: Mapped[int | None] = mapped_column(Integer)  # as displayed (orientation applied)
    height: Mapped[int | None] = mapped_column(Integer)
    orientation: Mapped[int] = mapped_column(Integer, default=1)  # Exif orientation 1..8
    rotation: Mapped[int] = mapped_column(Integer, default=0)  # user's extra turn, degrees cw
    missing: Mapped[bool] = mapped_column(Boolean, default=False)
    # Technical metadata
    camera_make: Mapped[str | None] = mapped_column(String(200))
    camera_model: Mapped[str | None] = mapped_column(String(200))
    taken_at: Mapped[str | None] = mapped_column(String(40))  # ISO 8601 as found in the file
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # Descriptive metadata (METADATA.md)
    title: Mapped[str | None] = mapped_column(Text)
    headline: Mapped[str | None] = mapped_column(Text)
    caption: Mapped[str | None] = mapped_column(Text)
    alt_text: Mapped[str | None] = mapped_column(Text)
    creator: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(64))  # EDTF as entered (normalised)
    date_display: Mapped[str | None] = mapped_column(String(120))
    date_earliest: Mapped[str | None] = mapped_column(String(10), index=True)  # YYYY-MM-DD
    date_latest: Mapped[str | None] = mapped_column(String(10), index=True)
    sublocation: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(Text)
    country_code: Mapped[str | None] = mapped_column(String(8))
    event: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(Text)
    rights: Mapped[str | None] = mapped_column(Text)
    rights_url: Mapped[str | None] = mapped_column(Text)
    identifier: Mapped[str | None] = mapped_column(Text)
    caption_writer: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int] = mapped_column(Integer, default=0)
    # Book-keeping
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    import_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_run.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Write-back state (migration 0003): `modified_at` as it was when the catalog and the
    # files last agreed, and the files' size/mtime/SHA-256 then (JSON, see writeback.py).
    synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    file_state: Mapped[str | None] = mapped_column(Text)

    keywords: Mapped[list[Keyword]] = relationship(
        secondary=photo_keyword, order_by="Keyword.name", lazy="selectin")
    people: Mapped[list[Person]] = relationship(
        secondary=photo_person, order_by="Person.name", lazy="selectin")
    memberships: Mapped[list[CollectionMember]] = relationship(
        back_populates="photo", cascade="all, delete-orphan", lazy="selectin")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (read by SQLAlchemy)


# Search and sort indexes (migration 0004): exactly the date order's expressions, so all
# photos by date are read in order; and the photos with a blank caption, with the same keys.
_DATE_SORT = (Photo.date_earliest.is_(None), Photo.date_earliest, Photo.date_latest,
              Photo.taken_at, Photo.path)
Index("ix_photo_date_sort", *_DATE_SORT)
Index("ix_photo_caption_blank", *_DATE_SORT, Photo.caption,
      sqlite_where=or_(Photo.caption.is_(None), func.trim(Photo.caption) == literal_column("''")))


class Keyword(Base):
    """A keyword; a hierarchy is written with `|` ("Places|Hungary|Budapest")."""

    __tablename__ = "keyword"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class Person(Base):
    """A person shown in photographs."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class Collection(Base):
    """A curated, ordered set of photos (a series, an exhibition, a gallery)."""

    __tablename__ = "collection"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[CollectionMember]] = relationship(
        back_populates="collection", cascade="all, delete-orphan",
        order_by="CollectionMember.position")


class CollectionMember(Base):
    """A photo's place in a collection (position 0 is first)."""

    __tablename__ = "collection_member"
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photo.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)

    collection: Mapped[Collection] = relationship(back_populates="members", lazy="joined")
    photo: Mapped[Photo] = relationship(back_populates="memberships")


class Edit(Base):
    """The audit log: one row per field changed on one photo."""

    __tablename__ = "edit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    photo_id: Mapped[int | None] = mapped_column(
        ForeignKey("photo.id", ondelete="SET NULL"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20), default="cli")  # cli, gui, import, csv
    user: Mapped[str | None] = mapped_column(String(120))


class ImportRun(Base):
    """One run of the importer: what was asked, when, and what came of it."""

    __tablename__ = "import_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paths: Mapped[str] = mapped_column(Text)  # JSON list of the paths given
    status: Mapped[str] = mapped_column(String(20), default="running")  # done, cancelled
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    relinked: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)

    failures: Mapped[list[ImportFailure]] = relationship(
        back_populates="run", cascade="all, delete-orphan")


class ImportFailure(Base):
    """A file an import could not take, with the reason."""

    __tablename__ = "import_failure"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"),
                                        index=True)
    path: Mapped[str] = mapped_column(PathText, index=True)
    error: Mapped[str] = mapped_column(Text)
    file_size: Mapped[int | None] = mapped_column(Integer)  # to skip it again while unchanged
    file_mtime: Mapped[float | None] = mapped_column(Float)

    run: Mapped[ImportRun] = relationship(back_populates="failures")


class Setting(Base):
    """A per-catalog preference: a JSON value by key (e.g. "writeback.write_on_edit")."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CollectionGallerySettings(Base):
    """What a collection's last gallery export was made with (migration 0005); title and
    intro are NULL while they are the collection's name and description."""

    __tablename__ = "gallery_settings"
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    intro: Mapped[str | None] = mapped_column(Text)
    theme: Mapped[str | None] = mapped_column(Text)
    image_size: Mapped[int] = mapped_column(Integer)
    thumb_size: Mapped[int] = mapped_column(Integer)
    out_dir: Mapped[str | None] = mapped_column(Text)
    exported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


__all__ = [
    "TEXT_FIELDS",
    "Base",
    "Collection",
    "CollectionGallerySettings",
    "CollectionMember",
    "Edit",
    "ImportFailure",
    "ImportRun",
    "Keyword",
    "Person",
    "Photo",
    "photo_keyword",
    "photo_person",
    "utcnow",
]
