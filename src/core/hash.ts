// Content hashes of document texts: a layer records the hash of the text it was made on.

/** SHA-256 of the text's UTF-8 bytes, as 64 lowercase hex digits (Web Crypto). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
