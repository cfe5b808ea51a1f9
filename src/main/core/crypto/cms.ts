/**
 * CMS SignedData (RFC 5652) as NedraDesk reads it: offsets into the received bytes, so that the
 * signed attributes are hashed exactly as the signer encoded them (§5.4) and existing signers are
 * carried over byte for byte when a co-signer is added. Any structural problem is Asn1Error.
 */
import { Asn1Error, Asn1Reader, readWhole, type Node } from './asn1';

export const cmsOids = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

/** One SignerInfo, located in the signature's bytes. */
export interface ParsedSignerInfo {
  node: Node;
  version: number;
  /** issuerAndSerialNumber: issuer Name bytes and serial; or a subjectKeyIdentifier [0]. */
  issuer: Uint8Array | undefined;
  serial: Uint8Array | undefined;
  subjectKeyIdentifier: Uint8Array | undefined;
  digestAlgorithm: string;
  /** The SET OF attributes with its tag changed to SET (0x31), as hashed (RFC 5652 §5.4). */
  signedAttributesDer: Uint8Array | undefined;
  signedAttributes: Map<string, Node[]>;
  signatureAlgorithm: string;
  /** The raw AlgorithmIdentifier parameters, if any (RSA-PSS carries them). */
  signatureParameters: Uint8Array | undefined;
  signature: Uint8Array;
}

/** A parsed ContentInfo/SignedData. */
export interface ParsedSignedData {
  reader: Asn1Reader;
  version: number;
  digestAlgorithms: Node[];
  /** OIDs of `digestAlgorithms`. */
  digestAlgorithmOids: string[];
  encapsulatedContentType: string;
  /** Present for attached signatures. */
  content: Uint8Array | undefined;
  encapsulatedContentInfo: Node;
  certificates: Uint8Array[];
  crls: Node | undefined;
  signerInfos: ParsedSignerInfo[];
}

function algorithmOf(reader: Asn1Reader, node: Node | undefined, what: string): { oid: string; parameters: Uint8Array | undefined } {
  const sequence = reader.expect(node, 0x30, what);
  const [oid, parameters] = reader.children(sequence);
  return { oid: reader.oid(reader.expect(oid, 0x06, `${what} OID`)), parameters: parameters && reader.raw(parameters) };
}

function parseSignerInfo(reader: Asn1Reader, node: Node): ParsedSignerInfo {
  const items = reader.children(reader.expect(node, 0x30, 'SignerInfo'));
  let index = 0;
  const version = reader.smallInteger(reader.expect(items[index++], 0x02, 'SignerInfo version'));
  const sid = items[index++];
  let issuer: Uint8Array | undefined;
  let serial: Uint8Array | undefined;
  let subjectKeyIdentifier: Uint8Array | undefined;
  if (sid?.tag === 0x30) {
    const [issuerNode, serialNode] = reader.children(sid);
    issuer = reader.raw(reader.expect(issuerNode, 0x30, 'issuer'));
    serial = reader.unsigned(reader.expect(serialNode, 0x02, 'serial number'));
  } else if (sid?.tag === 0x80) {
    subjectKeyIdentifier = reader.content(sid);
  } else {
    throw new Asn1Error('bad signer identifier', sid?.start ?? node.start);
  }
  const digestAlgorithm = algorithmOf(reader, items[index++], 'digestAlgorithm').oid;
  let signedAttributesDer: Uint8Array | undefined;
  const signedAttributes = new Map<string, Node[]>();
  if (items[index]?.tag === 0xa0) {
    const attributesNode = items[index++] as Node;
    const raw = Buffer.from(reader.raw(attributesNode));
    raw[0] = 0x31;
    signedAttributesDer = raw;
    for (const attribute of reader.children(attributesNode)) {
      const [type, values] = reader.children(reader.expect(attribute, 0x30, 'attribute'));
      const oid = reader.oid(reader.expect(type, 0x06, 'attribute type'));
      if (signedAttributes.has(oid)) throw new Asn1Error(`attribute ${oid} repeated`, attribute.start);
      signedAttributes.set(oid, reader.children(reader.expect(values, 0x31, 'attribute values')));
    }
  }
  const signatureAlgorithm = algorithmOf(reader, items[index++], 'signatureAlgorithm');
  const signatureNode = items[index++];
  if (signatureNode === undefined || (signatureNode.tag !== 0x04 && signatureNode.tag !== 0x24)) throw new Asn1Error('signature is not an OCTET STRING', node.start);
  const signature = reader.content(signatureNode);
  return {
    node,
    version,
    issuer,
    serial,
    subjectKeyIdentifier,
    digestAlgorithm,
    signedAttributesDer,
    signedAttributes,
    signatureAlgorithm: signatureAlgorithm.oid,
    signatureParameters: signatureAlgorithm.parameters,
    signature,
  };
}

/** Parses ContentInfo → SignedData; anything else is Asn1Error. */
export function parseSignedData(bytes: Uint8Array): ParsedSignedData {
  const { reader, root } = readWhole(bytes);
  const [contentType, wrapped] = reader.children(reader.expect(root, 0x30, 'ContentInfo'));
  if (reader.oid(reader.expect(contentType, 0x06, 'contentType')) !== cmsOids.signedData) throw new Asn1Error('not SignedData', root.start);
  const [signedDataNode] = reader.children(reader.expect(wrapped, 0xa0, 'content'));
  const items = reader.children(reader.expect(signedDataNode, 0x30, 'SignedData'));
  let index = 0;
  const version = reader.smallInteger(reader.expect(items[index++], 0x02, 'SignedData version'));
  const digestAlgorithms = reader.children(reader.expect(items[index++], 0x31, 'digestAlgorithms'));
  const digestAlgorithmOids = digestAlgorithms.map((algorithm) => algorithmOf(reader, algorithm, 'digestAlgorithm').oid);
  const encapsulatedContentInfo = reader.expect(items[index++], 0x30, 'encapContentInfo');
  const [eContentType, eContentWrapper] = reader.children(encapsulatedContentInfo);
  const encapsulatedContentType = reader.oid(reader.expect(eContentType, 0x06, 'eContentType'));
  let content: Uint8Array | undefined;
  if (eContentWrapper !== undefined) {
    const [octets] = reader.children(reader.expect(eContentWrapper, 0xa0, 'eContent'));
    if (octets === undefined || (octets.tag !== 0x04 && octets.tag !== 0x24)) throw new Asn1Error('eContent is not an OCTET STRING', eContentWrapper.start);
    content = reader.content(octets);
  }
  const certificates: Uint8Array[] = [];
  if (items[index]?.tag === 0xa0) {
    for (const certificate of reader.children(items[index++] as Node)) {
      // Only X.509 certificates (SEQUENCE); attribute and other certificate choices are skipped.
      if (certificate.tag === 0x30) certificates.push(reader.raw(certificate));
    }
  }
  let crls: Node | undefined;
  if (items[index]?.tag === 0xa1) crls = items[index++];
  const signerInfoSet = reader.expect(items[index++], 0x31, 'signerInfos');
  if (index !== items.length) throw new Asn1Error('unexpected element after signerInfos', items[index]?.start ?? 0);
  const signerInfos = reader.children(signerInfoSet).map((node) => parseSignerInfo(reader, node));
  return { reader, version, digestAlgorithms, digestAlgorithmOids, encapsulatedContentType, content, encapsulatedContentInfo, certificates, crls, signerInfos };
}

/** issuer Name bytes and serial of a certificate (RFC 5280 §4.1). */
export function certificateIssuerAndSerial(certificateDer: Uint8Array): { issuer: Uint8Array; serial: Uint8Array; subject: Uint8Array } {
  const { reader, root } = readWhole(certificateDer);
  const [tbs] = reader.children(reader.expect(root, 0x30, 'Certificate'));
  const fields = reader.children(reader.expect(tbs, 0x30, 'TBSCertificate'));
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  return {
    serial: reader.unsigned(reader.expect(fields[offset], 0x02, 'serialNumber')),
    issuer: reader.raw(reader.expect(fields[offset + 2], 0x30, 'issuer')),
    subject: reader.raw(reader.expect(fields[offset + 4], 0x30, 'subject')),
  };
}
