/** A read model's name is its table's name: letters, digits and _, not starting with a digit. */
export const READ_MODEL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
