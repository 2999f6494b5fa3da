/**
 * The payload codec (R-SEC-2): AES-256-GCM, key id in the metadata so keys rotate.
 */
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload, ValueError } from '@temporalio/common';
import {
  ENCRYPTED_ENCODING,
  ENCRYPTION_CIPHER,
  EncryptionCodec,
  type EncryptionKey,
  generateEncryptionKeySpec,
} from '../../platform/payload-codec';
import { encryptionKeysSchema } from '../../platform/config';

const OLD: EncryptionKey = { id: 'key-2024', key: Buffer.alloc(32, 0x11) };
const NEW: EncryptionKey = { id: 'key-2025', key: Buffer.alloc(32, 0x22) };
const OTHER: EncryptionKey = { id: 'key-2024', key: Buffer.alloc(32, 0x33) }; // same id, different key

const SECRET_VALUE = { requestedBy: 'customer-42', personnummer: '19121212-1212', email: 'anna@example.se' };

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);

async function encodeOne(codec: EncryptionCodec, payload: Payload): Promise<Payload> {
  const [encoded] = await codec.encode([payload]);
  return encoded!;
}

async function decodeOne(codec: EncryptionCodec, payload: Payload): Promise<Payload> {
  const [decoded] = await codec.decode([payload]);
  return decoded!;
}

async function decodeError(codec: EncryptionCodec, payload: Payload): Promise<Error> {
  try {
    await codec.decode([payload]);
  } catch (err) {
    return err as Error;
  }
  throw new Error('decode did not fail');
}

describe('EncryptionCodec', () => {
  it('round-trips payloads: decode(encode(p)) equals p', async () => {
    const codec = new EncryptionCodec([NEW]);
    const originals = [toPayload(SECRET_VALUE), toPayload('a string'), toPayload(null), toPayload([1, 2, 3])];
    const encoded = await codec.encode(originals);
    expect(encoded).toHaveLength(originals.length);
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      SECRET_VALUE,
      'a string',
      null,
      [1, 2, 3],
    ]);
    // Metadata (the original encoding) survives too.
    expect(text(decoded[0]!.metadata?.[METADATA_ENCODING_KEY])).toBe('json/plain');
  });

  it('marks encrypted payloads with the encoding, the active key id and the cipher', async () => {
    const encoded = await encodeOne(new EncryptionCodec([NEW, OLD]), toPayload(SECRET_VALUE));
    expect(text(encoded.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded.metadata?.['encryption-key-id'])).toBe('key-2025');
    expect(text(encoded.metadata?.['encryption-cipher'])).toBe(ENCRYPTION_CIPHER);
    expect(Object.keys(encoded.metadata ?? {}).sort()).toEqual(['encoding', 'encryption-cipher', 'encryption-key-id']);
  });

  it('never carries the plaintext (nor the original metadata) in clear', async () => {
    const plain = toPayload(SECRET_VALUE);
    const encoded = await encodeOne(new EncryptionCodec([NEW]), plain);
    const data = Buffer.from(encoded.data!);
    for (const needle of ['customer-42', '19121212-1212', 'anna@example.se', 'json/plain', 'requestedBy']) {
      expect(data.includes(Buffer.from(needle))).toBe(false);
    }
    expect(data.includes(Buffer.from(plain.data!))).toBe(false);
    // 12-byte IV + ciphertext + 16-byte tag.
    expect(data.length).toBeGreaterThan(12 + 16);
  });

  it('uses a fresh IV per payload: equal inputs give different ciphertexts', async () => {
    const codec = new EncryptionCodec([NEW]);
    const [a, b] = await codec.encode([toPayload(SECRET_VALUE), toPayload(SECRET_VALUE)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  describe('key rotation', () => {
    it('decodes a payload written with the old key once the old key is second in the list', async () => {
      const before = new EncryptionCodec([OLD]);
      const written = await encodeOne(before, toPayload(SECRET_VALUE));
      expect(text(written.metadata?.['encryption-key-id'])).toBe('key-2024');

      const after = new EncryptionCodec([NEW, OLD]);
      expect(defaultPayloadConverter.fromPayload(await decodeOne(after, written))).toEqual(SECRET_VALUE);
    });

    it('encrypts new payloads with the first key, which the old-key-only codec cannot read', async () => {
      const after = new EncryptionCodec([NEW, OLD]);
      const fresh = await encodeOne(after, toPayload(SECRET_VALUE));
      expect(text(fresh.metadata?.['encryption-key-id'])).toBe('key-2025');
      expect(defaultPayloadConverter.fromPayload(await decodeOne(after, fresh))).toEqual(SECRET_VALUE);

      const err = await decodeError(new EncryptionCodec([OLD]), fresh);
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toBe('no decryption key with id key-2025 (configure it in PAYLOAD_ENCRYPTION_KEYS)');
    });

    it('decodes a batch that mixes old and new keys', async () => {
      const oldPayload = await encodeOne(new EncryptionCodec([OLD]), toPayload('old'));
      const newPayload = await encodeOne(new EncryptionCodec([NEW]), toPayload('new'));
      const decoded = await new EncryptionCodec([NEW, OLD]).decode([oldPayload, newPayload]);
      expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['old', 'new']);
    });

    it('works with keys from the PAYLOAD_ENCRYPTION_KEYS format', async () => {
      const keys = encryptionKeysSchema.parse(`${generateEncryptionKeySpec('b')},${generateEncryptionKeySpec('a')}`);
      const older = await encodeOne(new EncryptionCodec([keys[1]!]), toPayload(SECRET_VALUE));
      const codec = new EncryptionCodec(keys);
      expect(defaultPayloadConverter.fromPayload(await decodeOne(codec, older))).toEqual(SECRET_VALUE);
      expect(text((await encodeOne(codec, toPayload(1))).metadata?.['encryption-key-id'])).toBe('b');
    });
  });

  describe('refuses what it cannot trust', () => {
    it('an unknown key id is a clear error naming the id', async () => {
      const encoded = await encodeOne(new EncryptionCodec([{ id: 'retired', key: Buffer.alloc(32, 9) }]), toPayload(1));
      const err = await decodeError(new EncryptionCodec([NEW, OLD]), encoded);
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toMatch(/no decryption key with id retired/);
    });

    it('an encrypted payload without a key id', async () => {
      const encoded = await encodeOne(new EncryptionCodec([NEW]), toPayload(1));
      delete encoded.metadata!['encryption-key-id'];
      const err = await decodeError(new EncryptionCodec([NEW]), encoded);
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toBe('encrypted payload without a key id');
    });

    it.each([
      ['the ciphertext', () => 14],
      ['the IV', () => 0],
      ['the auth tag', (d: Buffer) => d.length - 1],
    ])('a flipped bit in %s fails GCM authentication', async (_label, position) => {
      const codec = new EncryptionCodec([NEW]);
      const encoded = await encodeOne(codec, toPayload(SECRET_VALUE));
      const data = Buffer.from(encoded.data!);
      const at = position(data);
      data.writeUInt8(data.readUInt8(at) ^ 0x01, at);
      const err = await decodeError(codec, { ...encoded, data });
      expect(err.message).toMatch(/unable to authenticate data/);
    });

    it('a truncated payload', async () => {
      const codec = new EncryptionCodec([NEW]);
      const encoded = await encodeOne(codec, toPayload(SECRET_VALUE));
      const err = await decodeError(codec, { ...encoded, data: Buffer.from(encoded.data!).subarray(0, 20) });
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toBe('encrypted payload too short');
      const cut = Buffer.from(encoded.data!).subarray(0, encoded.data!.length - 1);
      expect((await decodeError(codec, { ...encoded, data: cut })).message).toMatch(/unable to authenticate data/);
    });

    it('the right key id with the wrong key material', async () => {
      const encoded = await encodeOne(new EncryptionCodec([OLD]), toPayload(SECRET_VALUE));
      const err = await decodeError(new EncryptionCodec([OTHER]), encoded);
      expect(err.message).toMatch(/unable to authenticate data/);
    });
  });

  it('passes payloads that are not encrypted through decode untouched', async () => {
    const codec = new EncryptionCodec([NEW]);
    const plain = toPayload(SECRET_VALUE);
    const noMetadata: Payload = { data: Buffer.from('raw') };
    const binary = toPayload(new Uint8Array([1, 2, 3]));
    const decoded = await codec.decode([plain, noMetadata, binary]);
    expect(decoded[0]).toBe(plain);
    expect(decoded[1]).toBe(noMetadata);
    expect(decoded[2]).toBe(binary);
  });

  it('rejects a key list that is empty or has a key of the wrong size', () => {
    expect(() => new EncryptionCodec([])).toThrow('EncryptionCodec needs at least one key');
    expect(() => new EncryptionCodec([NEW, { id: 'short', key: Buffer.alloc(16) }])).toThrow(
      'key short is not 32 bytes',
    );
  });

  it('generateEncryptionKeySpec makes a fresh valid 32-byte key each time', () => {
    const a = generateEncryptionKeySpec('dev-1');
    const b = generateEncryptionKeySpec('dev-1');
    expect(a).not.toBe(b);
    const [parsed] = encryptionKeysSchema.parse(a);
    expect(parsed!.id).toBe('dev-1');
    expect(parsed!.key).toHaveLength(32);
  });
});
