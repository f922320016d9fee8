import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

let client: S3Client | undefined;

/** Download an S3 object into the Lambda's /tmp (same file name) and return the path. */
export async function fetchS3ToTmp(bucket: string, key: string, s3: S3Client = (client ??= new S3Client({}))): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new Error(`s3://${bucket}/${key}: empty body`);
  const bytes = await out.Body.transformToByteArray();
  const path = join(tmpdir(), `mft-${basename(key)}`);
  writeFileSync(path, bytes);
  return path;
}
