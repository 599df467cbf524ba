import { AppError } from "../../core/errors";

// EventBridge Schemas' error shapes (REST JSON: the code in x-amzn-ErrorType, HTTP status per code).

export const schemasNotFound = (message: string) =>
  new AppError("not_found", message, { awsCode: "NotFoundException", awsStatus: 404 });

export const schemasConflict = (message: string) =>
  new AppError("conflict", message, { awsCode: "ConflictException", awsStatus: 409 });

export const schemasBadRequest = (message: string, field?: string) =>
  new AppError("validation", message, {
    awsCode: "BadRequestException",
    awsStatus: 400,
    ...(field ? { fieldErrors: { [field]: [message] } } : {}),
  });

export const registryNotFound = (name: string) => schemasNotFound(`Registry with name '${name}' does not exist.`);
export const schemaNotFound = (name: string) => schemasNotFound(`Schema with name '${name}' does not exist.`);
export const discovererNotFound = (id: string) => schemasNotFound(`Discoverer with id '${id}' does not exist.`);
