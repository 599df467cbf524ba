import { badRequest } from "../../core/apis/model";
import type { Caller, Wire } from "./rest-api.service";

// ImportRestApi / PutRestApi from OpenAPI 3 and GetExport to OpenAPI 3 (oas30).

export async function importApi(_caller: Caller, _body: Buffer, _opts: { failOnWarnings: boolean }): Promise<Wire> {
  throw badRequest("Importing an API definition is not supported yet");
}

export async function putApi(
  _caller: Caller,
  _id: string,
  _body: Buffer,
  _opts: { mode: string; failOnWarnings: boolean },
): Promise<Wire> {
  throw badRequest("Importing an API definition is not supported yet");
}

export async function exportApi(
  _caller: Caller,
  _id: string,
  _stage: string,
  _type: string,
  _opts: { accept: string; extensions: string },
): Promise<{ contentType: string; fileName: string; body: string }> {
  throw badRequest("Exporting an API definition is not supported yet");
}
